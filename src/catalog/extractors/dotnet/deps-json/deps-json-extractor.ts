/**
 * dotnet/deps-json: the NuGet packages a .NET app deploys, from its `*.deps.json` (framework-dependent and
 * self-contained apps alike; a self-contained app's bundled runtime is reported as its runtime pack package).
 */
import type { ExtractedPackage, LanguageMetadata } from '../../../../core/model.js';
import type { ExtractedFile, FileExtractContext, FileExtractor } from '../../../extractor.js';
import { readDepsJson } from './read-deps-json.js';

const suffix = '.deps.json';

function parse(bytes: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    // SyntaxError for bad JSON; RangeError when nesting exhausts the parser's stack.
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `failed to decode .deps.json file: ${detail.slice(0, 200)}` };
  }
}

function extractDepsJson(file: ExtractedFile, ctx: FileExtractContext): ExtractedPackage[] {
  const json = parse(file.bytes);
  if (!json.ok) {
    ctx.issue(file.path, json.reason);
    return [];
  }
  const result = readDepsJson(json.value);
  if (!result.ok) {
    ctx.issue(file.path, result.reason);
    return [];
  }
  const packages = result.packages.map((dep): ExtractedPackage => {
    const metadata: LanguageMetadata = { kind: 'language', origin: 'installed' };
    if (dep.direct !== undefined) metadata.direct = dep.direct;
    if (dep.sha512 !== undefined) metadata.integrity = dep.sha512;
    const pkg: ExtractedPackage = { ecosystem: 'nuget', name: dep.name, version: dep.version, licenses: [], evidence: file.path, metadata };
    if (dep.dependsOn.length > 0) pkg.dependsOn = dep.dependsOn;
    return pkg;
  });
  return packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}

export const depsJsonExtractor: FileExtractor = {
  name: 'dotnet/deps-json',
  version: 1,
  maxFileBytes: 16 * 1024 * 1024,
  wants: (path) => path.endsWith(suffix) && path.length > suffix.length && path[path.length - suffix.length - 1] !== '/',
  extractFile: extractDepsJson,
};
