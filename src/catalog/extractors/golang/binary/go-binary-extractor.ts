import type { ExtractedPackage, LanguageMetadata } from '../../../../core/model.js';
import type { FileExtractor } from '../../../extractor.js';
import { BUILD_INFO_SIGNATURES, readBuildInfo } from './build-info.js';
import { parseModuleInfo, type GoModule } from './module-info.js';
import { goToolchainSemver } from './toolchain.js';
import { isBinaryCandidate } from '../../binary-candidate.js';

/**
 * Go binaries, wherever they are: any regular file with an execute bit and at least 1 KiB. Reports the main module
 * (`mainModule: true`, its version as written, usually `(devel)`), every dependency module (a replaced one with
 * the replacement's version and `replacedBy` = the replacement's path) and the toolchain as the `stdlib` package
 * (`go1.22.3` → `v1.22.3`), so Go advisories for the standard library match.
 *
 * Version 2: files without the build info magic or the `.go.buildinfo` section name are not examined (so an
 * unreadable ELF file that is no Go program is no longer reported as unreadable Go build info).
 */
export const goBinaryExtractor: FileExtractor = {
  name: 'golang/binary',
  version: 2,
  maxFileBytes: 256 * 1024 * 1024,
  wants: isBinaryCandidate,
  signatures: BUILD_INFO_SIGNATURES,
  extractFile(file, ctx) {
    if (!BUILD_INFO_SIGNATURES.some((signature) => file.bytes.includes(signature))) return [];
    const result = readBuildInfo(file.bytes);
    if (!result.found) return [];
    if ('error' in result) {
      ctx.issue(file.path, `Go build info: ${result.error}`);
      return [];
    }
    const { goVersion, modInfo } = result.info;
    const info = parseModuleInfo(modInfo);
    for (const problem of info.problems) ctx.issue(file.path, `Go build info: ${problem}`);

    const packages: ExtractedPackage[] = [];
    const add = (name: string, version: string, extra: Partial<LanguageMetadata>): void => {
      const metadata: LanguageMetadata = { kind: 'language', origin: 'installed', ...extra, goToolchain: goVersion };
      packages.push({ ecosystem: 'golang', name, version, licenses: [], evidence: file.path, metadata });
    };
    const addModule = (mod: GoModule, main: boolean): void => {
      const replace = mod.replace;
      // A local directory replacement may carry no version of its own: keep the required version then.
      const version = replace && replace.version !== '' ? replace.version : mod.version;
      if (version === '') {
        ctx.issue(file.path, `Go build info: module ${mod.path} has no version; skipped`);
        return;
      }
      const extra: Partial<LanguageMetadata> = {};
      if (main) extra.mainModule = true;
      if (replace) extra.replacedBy = replace.path;
      const sum = replace ? replace.sum : mod.sum;
      if (sum !== undefined) extra.integrity = sum;
      add(mod.path, version, extra);
    };

    if (info.main) addModule(info.main, true);
    for (const dep of info.deps) addModule(dep, false);
    const stdlib = goToolchainSemver(goVersion);
    if (stdlib) add('stdlib', stdlib, {});
    else ctx.issue(file.path, `Go build info: toolchain ${JSON.stringify(goVersion.slice(0, 80))} is not a Go release; no stdlib package`);

    return packages.sort((a, b) => compare(a.name, b.name) || compare(a.version, b.version));
  },
};

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
