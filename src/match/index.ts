/**
 * match/: findings from an inventory and the advisory store — queries per package (source packages within the
 * exact distro release; OSV ecosystems for language packages), pure verdicts, one finding per vulnerability per
 * package with aliases merged, severity, KEV/EPSS, risk order, and suppression by ignore rules and VEX.
 */
export { matchInventory, matchInventoryReport, type MatchInventoryOptions, type MatchReport, type UnmatchedNote } from './match-inventory.js';
export { matchPackage, type MatchOptions, type NotAffectedNote, type PackageMatch } from './match-package.js';
export { packageQueries, type PackageQuery, type QueryPlan, type QueryOptions } from './queries.js';
export { releaseEcosystems, debianReleaseOf, type ReleaseOptions } from './distro-release.js';
export { decide, type Verdict, type DecideOptions } from './decide.js';
export { chooseSeverity, levelOfScore, levelOfWord, type SeverityChoice } from './severity.js';
export { scoreCvss } from './cvss.js';
export { compareRisk, sortByRisk } from './risk.js';
export { applySuppressions, type SuppressionOptions, type SuppressionResult } from './suppress.js';
export { parseIgnoreFile, readIgnoreFile, type IgnoreFile, type IgnoreRule } from './ignore-file.js';
export { parseVexDocument, readVexDocument } from './vex.js';
export type { VexDocument, VexProduct, VexStatement, VexStatus } from './vex-document.js';
export { distroEol } from './distro-eol.js';
