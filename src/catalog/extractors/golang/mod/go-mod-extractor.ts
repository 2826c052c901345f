import type { ExtractedPackage, LanguageMetadata } from '../../../../core/model.js';
import type { FileExtractor } from '../../../extractor.js';
import { parseGoMod, type GoModReplace, type GoModRequire } from './parse-go-mod.js';

/**
 * go.mod files: one package per `require`, `direct` unless marked `// indirect`. A `replace` that applies (no old
 * version, or the required one) gives the replacement's version and `replacedBy` = the replacement's path, the
 * way the golang/binary extractor reports the binary built from it; a local directory replacement has no version,
 * so it is reported as `(devel)`, as Go records it in binaries. The module itself has no version and is not
 * reported; its requirements carry `direct`. No `stdlib` package: the `go`/`toolchain` lines are minimums, not
 * the toolchain that built anything.
 */
export const goModExtractor: FileExtractor = {
  name: 'golang/mod',
  version: 1,
  maxFileBytes: 8 * 1024 * 1024,
  wants: (path) => path === 'go.mod' || path.endsWith('/go.mod'),
  extractFile(file, ctx) {
    const mod = parseGoMod(file.bytes.toString('utf8'));
    for (const problem of mod.problems) ctx.issue(file.path, `go.mod: ${problem}`);
    const out = mod.requires.map((req) => toPackage(req, applicableReplace(req, mod.replaces), file.path));
    return out.sort((a, b) => compare(a.name, b.name) || compare(a.version, b.version));
  },
};

/** A replace with a version applies to that version only, and wins over one without (go.dev/ref/mod#go-mod-file-replace). */
function applicableReplace(req: GoModRequire, replaces: GoModReplace[]): GoModReplace | undefined {
  return (
    replaces.find((r) => r.oldPath === req.path && r.oldVersion === req.version) ??
    replaces.find((r) => r.oldPath === req.path && r.oldVersion === undefined)
  );
}

function toPackage(req: GoModRequire, replace: GoModReplace | undefined, evidence: string): ExtractedPackage {
  const metadata: LanguageMetadata = { kind: 'language', origin: 'declared', direct: !req.indirect };
  let version = req.version;
  if (replace) {
    metadata.replacedBy = replace.newPath;
    version = replace.newVersion ?? '(devel)';
  }
  return { ecosystem: 'golang', name: req.path, version, licenses: [], evidence, metadata };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
