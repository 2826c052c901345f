/** NuGet packages a .NET app deploys, from its `*.deps.json`. */
export { depsJsonExtractor } from './deps-json-extractor.js';
export { readDepsJson, type DepsPackage, type DepsResult } from './read-deps-json.js';
