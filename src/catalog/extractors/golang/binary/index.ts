/** Go binaries: modules and toolchain from the build information the Go linker embeds. */
export { goBinaryExtractor } from './go-binary-extractor.js';
export { readBuildInfo, type BuildInfoResult, type RawBuildInfo } from './build-info.js';
export { parseModuleInfo, type GoModule, type ModuleInfo } from './module-info.js';
export { goToolchainSemver } from './toolchain.js';
