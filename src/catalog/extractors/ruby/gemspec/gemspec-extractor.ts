/**
 * ruby/gemspec: installed gems, from the `specifications/*.gemspec` files RubyGems and Bundler write
 * (`/usr/lib/ruby/gems/3.1.0/specifications/`, `vendor/bundle/ruby/3.1.0/specifications/`, Debian's
 * `rubygems-integration/…/specifications/`). Default gems (`specifications/default/`) ship with Ruby itself and are
 * installed code too, so they are reported like any other gem, as `gem list` shows them.
 */
import type { ExtractedPackage } from '../../../../core/model.js';
import type { ExtractedFile, FileExtractContext, FileExtractor } from '../../../extractor.js';
import { readGemspec } from './read-gemspec.js';

const suffix = '.gemspec';
const specDir = 'specifications/';

function wantsGemspec(path: string): boolean {
  if (!path.endsWith(suffix)) return false;
  return path.startsWith(specDir) || path.includes(`/${specDir}`);
}

function extractGemspec(file: ExtractedFile, ctx: FileExtractContext): ExtractedPackage[] {
  const result = readGemspec(file.bytes.toString('utf8'));
  if (!result.ok) {
    ctx.issue(file.path, result.reason);
    return [];
  }
  const { spec } = result;
  const pkg: ExtractedPackage = {
    ecosystem: 'gem',
    name: spec.name,
    version: spec.version,
    licenses: spec.licenses,
    evidence: file.path,
    metadata: { kind: 'language', origin: 'installed' },
  };
  if (spec.runtimeDependencies.length > 0) pkg.dependsOn = spec.runtimeDependencies;
  return [pkg];
}

export const gemspecExtractor: FileExtractor = {
  name: 'ruby/gemspec',
  version: 1,
  // A spec lists every file of its gem; the largest real ones are a few hundred KiB.
  maxFileBytes: 4 * 1024 * 1024,
  wants: (path) => wantsGemspec(path),
  extractFile: extractGemspec,
};
