import type { ExtractedPackage } from '../../../../core/model.js';
import type { FileExtractor } from '../../../extractor.js';
import { sortPackages } from '../pypi-names.js';
import { decodeText } from './decode-text.js';
import { parseRequirements } from './parse-requirements.js';

/**
 * pip requirements files: `requirements*.txt` and `requirements/*.txt`, anywhere except inside an installed
 * distribution (a `requirements.txt` shipped in site-packages describes how that library was developed, not what the
 * image holds; its installed packages are found by python/installed). Only exact pins (`name==version`) are packages;
 * see parseRequirements. Each is `origin: 'declared'`.
 */
export const pythonRequirementsExtractor: FileExtractor = {
  name: 'python/requirements',
  version: 1,
  maxFileBytes: 4 * 1024 * 1024,
  wants: (path) => isRequirementsPath(path),
  extractFile(file) {
    const seen = new Set<string>();
    const out: ExtractedPackage[] = [];
    for (const { name, version } of parseRequirements(decodeText(file.bytes))) {
      const key = `${name}\0${version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ecosystem: 'pypi', name, version, licenses: [], evidence: file.path, metadata: { kind: 'language', origin: 'declared' } });
    }
    return sortPackages(out);
  },
};

export function isRequirementsPath(path: string): boolean {
  if (!path.endsWith('.txt')) return false;
  if (path.includes('/site-packages/') || path.includes('/dist-packages/') || path.startsWith('site-packages/') || path.startsWith('dist-packages/')) {
    return false;
  }
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  if (base.startsWith('requirements')) return true;
  const dir = slash < 0 ? '' : path.slice(0, slash);
  return dir === 'requirements' || dir.endsWith('/requirements');
}
