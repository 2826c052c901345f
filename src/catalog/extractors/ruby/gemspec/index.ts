/** Installed Ruby gems, from RubyGems' `specifications/*.gemspec`. */
export { gemspecExtractor } from './gemspec-extractor.js';
export { readGemspec, type Gemspec, type GemspecResult } from './read-gemspec.js';
