export { rpmExtractor } from './rpm-extractor.js';
