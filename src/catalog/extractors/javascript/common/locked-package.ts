import type { ExtractedPackage, LanguageMetadata } from '../../../../core/model.js';
import type { FileExtractContext } from '../../../extractor.js';

/** One package a lockfile names, before it becomes an ExtractedPackage. */
export interface LockedPackage {
  name: string;
  version: string;
  dev?: boolean;
  direct?: boolean;
  licenses?: string[];
  resolved?: string;
  integrity?: string;
  /** Names of the packages this one depends on, resolved within the same lockfile. */
  dependsOn?: string[];
}

export function lockedToExtracted(locked: LockedPackage, evidence: string): ExtractedPackage {
  const metadata: LanguageMetadata = { kind: 'language', origin: 'declared' };
  if (locked.dev !== undefined) metadata.dev = locked.dev;
  if (locked.direct !== undefined) metadata.direct = locked.direct;
  if (locked.integrity !== undefined) metadata.integrity = locked.integrity;
  if (locked.resolved !== undefined) metadata.resolved = locked.resolved;
  const pkg: ExtractedPackage = {
    ecosystem: 'npm',
    name: locked.name,
    version: locked.version,
    licenses: locked.licenses ?? [],
    evidence,
    metadata,
  };
  if (locked.dependsOn !== undefined && locked.dependsOn.length > 0) pkg.dependsOn = locked.dependsOn;
  return pkg;
}

const MAX_ISSUES_PER_FILE = 20;

/** Per-file issue reporting that stops after a few, so one hostile file cannot flood the inventory. */
export class FileIssues {
  private count = 0;
  constructor(
    private readonly ctx: FileExtractContext,
    private readonly path: string,
    private readonly prefix: string,
  ) {}

  add(reason: string): void {
    this.count += 1;
    if (this.count <= MAX_ISSUES_PER_FILE) this.ctx.issue(this.path, `${this.prefix}: ${reason}`);
  }

  /** Report how many were left out, if any. */
  flush(): void {
    if (this.count > MAX_ISSUES_PER_FILE) {
      this.ctx.issue(this.path, `${this.prefix}: ${this.count - MAX_ISSUES_PER_FILE} more problems not listed`);
    }
  }
}

/** Cut a value taken from hostile input to a length fit for an issue message. */
export function shown(value: string, max = 80): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
