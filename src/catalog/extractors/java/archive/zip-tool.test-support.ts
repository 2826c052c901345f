/**
 * Test support: archives built with Info-ZIP's `zip` (Debian package `zip`) in a temporary directory, so the
 * extractor is checked against a real, independent zip writer. Never used by the extractor itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExtractedPackage } from '../../../../core/model.js';
import { extractJavaArchive } from './java-archive-extractor.js';
import type { ArchiveLimits } from './limits.js';

export interface ZipWorkspace {
  dir: string;
  /** Zips `files` (path → content) into `name` in the workspace; `stored` uses no compression (`zip -0`). */
  zip(name: string, files: Record<string, string | Buffer>, options?: { stored?: boolean }): Buffer;
  remove(): void;
}

export function zipWorkspace(): ZipWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'grout-java-archive-'));
  let n = 0;
  return {
    dir,
    zip(name, files, options = {}) {
      const src = join(dir, `src-${n++}`);
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(src, path)), { recursive: true });
        writeFileSync(join(src, path), content);
      }
      const out = join(dir, name);
      mkdirSync(dirname(out), { recursive: true });
      execFileSync('zip', ['-q', '-X', '-r', options.stored ? '-0' : '-6', out, ...Object.keys(files)], { cwd: src });
      return readFileSync(out);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function pomProperties(groupId: string, artifactId: string, version: string): string {
  return `#Created by Apache Maven 3.8.7\nversion=${version}\ngroupId=${groupId}\nartifactId=${artifactId}\n`;
}

export function mavenEntry(groupId: string, artifactId: string, version: string): Record<string, string> {
  return { [`META-INF/maven/${groupId}/${artifactId}/pom.properties`]: pomProperties(groupId, artifactId, version) };
}

export interface Extraction {
  packages: ExtractedPackage[];
  issues: string[];
}

export function extract(path: string, bytes: Buffer, limits?: ArchiveLimits): Extraction {
  const issues: string[] = [];
  const packages = extractJavaArchive({ path, bytes, mode: 0o644 }, { issue: (p, reason) => issues.push(`${p}: ${reason}`) }, limits);
  return { packages, issues };
}

/** `name@version [archivePath]` per package, the shape most assertions compare. */
export function summary(packages: readonly ExtractedPackage[]): string[] {
  return packages.map((p) => {
    const inner = p.metadata?.kind === 'language' ? p.metadata.archivePath : undefined;
    return inner === undefined ? `${p.name}@${p.version}` : `${p.name}@${p.version} in ${inner}`;
  });
}

export function hasTool(tool: string): boolean {
  try {
    execFileSync(tool, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
