import type { ExtractedPackage, LanguageMetadata } from '../../../../core/model.js';
import type { FileExtractor } from '../../../extractor.js';

const MAX_LINES = 500_000;
const MAX_PROBLEMS = 20;

/**
 * go.sum files (`module version[/go.mod] h1:hash` lines): one package per module, at the last version listed
 * (the go command writes go.sum sorted, so that is the highest), with the module's `h1:` hash as `integrity`.
 * go.sum also lists modules the build only considered, so it over-reports next to go.mod; it is the only record
 * of indirect dependencies for modules older than Go 1.17.
 */
export const goSumExtractor: FileExtractor = {
  name: 'golang/sum',
  version: 1,
  maxFileBytes: 16 * 1024 * 1024,
  wants: (path) => path === 'go.sum' || path.endsWith('/go.sum'),
  extractFile(file, ctx) {
    const latest = new Map<string, { version: string; hash?: string }>();
    let problems = 0;
    const lines = file.bytes.toString('utf8').split('\n', MAX_LINES + 1);
    if (lines.length > MAX_LINES) ctx.issue(file.path, `go.sum: more than ${MAX_LINES} lines; the rest is ignored`);
    lines.slice(0, MAX_LINES).forEach((line, index) => {
      const fields = line.trim().split(/\s+/);
      if (fields.length === 1 && fields[0] === '') return;
      const [path, rawVersion, hash] = fields as [string, string | undefined, string | undefined];
      if (fields.length !== 3 || rawVersion === undefined || hash === undefined) {
        if (problems++ < MAX_PROBLEMS) ctx.issue(file.path, `go.sum: line ${index + 1} is not "module version hash"`);
        return;
      }
      const goModOnly = rawVersion.endsWith('/go.mod');
      const version = goModOnly ? rawVersion.slice(0, -'/go.mod'.length) : rawVersion;
      const seen = latest.get(path);
      if (!seen || seen.version !== version) latest.set(path, goModOnly ? { version } : { version, hash });
      else if (!goModOnly) seen.hash = hash;
    });
    if (problems > MAX_PROBLEMS) ctx.issue(file.path, `go.sum: ${problems - MAX_PROBLEMS} more problems not listed`);
    const out: ExtractedPackage[] = [...latest].map(([name, { version, hash }]) => {
      const metadata: LanguageMetadata = { kind: 'language', origin: 'declared' };
      if (hash !== undefined) metadata.integrity = hash;
      return { ecosystem: 'golang', name, version, licenses: [], evidence: file.path, metadata };
    });
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  },
};
