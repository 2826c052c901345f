/**
 * Real reference check: every jar of this machine's Maven 3.8.7 (`/usr/share/maven/lib`) and of
 * `/usr/share/java` (Debian packages) is read by the extractor and by Info-ZIP's `unzip`; for each
 * pom.properties `unzip -p` prints, the extractor must report exactly that (groupId, artifactId, version).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extract, hasTool } from './zip-tool.test-support.js';

const dirs = ['/usr/share/maven/lib', '/usr/share/java'];
const jars = dirs
  .filter((d) => existsSync(d))
  .flatMap((d) => readdirSync(d).filter((n) => n.endsWith('.jar')).map((n) => join(d, n)))
  .filter((p) => existsSync(p))
  .sort();

/** (groupId, artifactId, version) of every pom.properties in the jar, as `unzip` reads them. */
function unzipCoordinates(jar: string): string[] {
  const names = execFileSync('unzip', ['-Z1', jar], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .filter((n) => /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(n));
  return names.map((name) => {
    const text = execFileSync('unzip', ['-p', jar, name], { encoding: 'utf8' });
    const value = (key: string): string => new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
    return `${value('groupId')}:${value('artifactId')}@${value('version')}`;
  });
}

describe.skipIf(!hasTool('unzip') || jars.length === 0)('java/archive against unzip on the host Maven and Debian jars', () => {
  it('finds the jars', () => {
    expect(jars.length).toBeGreaterThan(40);
    expect(jars).toContain('/usr/share/maven/lib/maven-core-3.x.jar');
  });

  it('reports every pom.properties of every jar with the coordinates unzip shows', () => {
    let checked = 0;
    const failures: string[] = [];
    for (const jar of jars) {
      const want = unzipCoordinates(jar);
      const { packages, issues } = extract(jar.slice(1), readFileSync(jar));
      const got = new Set(packages.map((p) => `${p.name}@${p.version}`));
      for (const p of packages) {
        const meta = p.metadata?.kind === 'language' ? p.metadata : undefined;
        if (`${meta?.groupId}:${meta?.artifactId}` !== p.name) failures.push(`${jar}: ${p.name} has groupId ${meta?.groupId} artifactId ${meta?.artifactId}`);
        if (p.evidence !== jar.slice(1)) failures.push(`${jar}: evidence ${p.evidence}`);
      }
      for (const gav of want) {
        checked++;
        if (!got.has(gav)) failures.push(`${jar}: unzip shows ${gav}, extractor reports ${[...got].join(', ')}`);
      }
      // Nothing beyond the pom.properties, except at most the archive's own identity from the manifest or file name.
      if (want.length > 0 && packages.length > want.length + 1) failures.push(`${jar}: ${packages.length} packages for ${want.length} pom.properties`);
      if (want.length > 0 && issues.length > 0) failures.push(`${jar}: issues ${issues.join('; ')}`);
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('marks the jar itself with the sha1 of its bytes when a single pom.properties names it', () => {
    const jar = realpathSync('/usr/share/maven/lib/maven-core-3.x.jar');
    const { packages } = extract('usr/share/maven/lib/maven-core-3.x.jar', readFileSync(jar));
    const sha1 = execFileSync('sha1sum', [jar], { encoding: 'utf8' }).split(' ')[0];
    expect(packages.map((p) => [p.name, p.metadata?.kind === 'language' ? p.metadata.integrity : undefined])).toEqual([['org.apache.maven:maven-core', `sha1:${sha1}`]]);
  });

  it('reads a jar with no pom.properties from its OSGi manifest (trivy\'s groupId rule) with its Bundle-License', () => {
    const jar = '/usr/share/java/guice-servlet.jar';
    if (!existsSync(jar)) return;
    const { packages } = extract(jar.slice(1), readFileSync(jar));
    expect(packages.map((p) => [p.name, p.version, p.licenses])).toEqual([['com.google.inject:guice-servlet', '4.2.3', ['http://www.apache.org/licenses/LICENSE-2.0.txt']]]);
  });
});
