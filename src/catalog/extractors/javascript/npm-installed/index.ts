/** Installed npm packages, one per package manifest under a node_modules folder. */
export { npmInstalledExtractor } from './npm-installed-extractor.js';
