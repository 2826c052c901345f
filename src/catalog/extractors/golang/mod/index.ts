/** Go module files: go.mod requirements (golang/mod) and go.sum hashes (golang/sum). */
export { goModExtractor } from './go-mod-extractor.js';
export { goSumExtractor } from './go-sum-extractor.js';
export { parseGoMod, type GoMod, type GoModReplace, type GoModRequire } from './parse-go-mod.js';
