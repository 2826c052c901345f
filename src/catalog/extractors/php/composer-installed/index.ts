/** PHP packages installed by Composer, from `vendor/composer/installed.json`. */
export { composerInstalledExtractor } from './composer-installed-extractor.js';
