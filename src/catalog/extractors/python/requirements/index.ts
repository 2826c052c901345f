/** pip requirements files: the exact `name==version` pins of `requirements*.txt` and `requirements/*.txt`. */
export { pythonRequirementsExtractor, isRequirementsPath } from './requirements-extractor.js';
export { parseRequirements, type PinnedRequirement } from './parse-requirements.js';
export { decodeText } from './decode-text.js';
