/** Distribution detection from release files: a pure function over the files the single pass buffered. */
export { detectDistro, distroWants } from './detect-distro.js';
export { parseKeyValues } from './key-values.js';
export { trivyFamily, type TrivyOs } from './trivy-family.js';
