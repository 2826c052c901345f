/**
 * Archives built in the test with Info-ZIP `zip` (and one with fflate): a fat jar, a war, an executable jar with a
 * launcher script in front, a zip64 jar, a truncated jar, a 1 GiB zip bomb, an entry that lies about its size, and
 * each cap of limits.ts. Nothing built here is committed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultArchiveLimits } from './limits.js';
import { extract, hasTool, mavenEntry, summary, zipWorkspace } from './zip-tool.test-support.js';

const sha1 = (bytes: Buffer): string => `sha1:${createHash('sha1').update(bytes).digest('hex')}`;
const integrityOf = (packages: ReturnType<typeof extract>['packages'], name: string): string | undefined => {
  const meta = packages.find((p) => p.name === name)?.metadata;
  return meta?.kind === 'language' ? meta.integrity : undefined;
};

describe.skipIf(!hasTool('zip'))('java/archive on archives built with zip', () => {
  const ws = zipWorkspace();
  afterAll(() => ws.remove());

  const inner = ws.zip('inner.jar', { ...mavenEntry('com.example', 'inner', '2.0.0'), 'com/example/Inner.class': 'not really a class' });
  const fat = ws.zip('fat-app-1.0.0.jar', {
    ...mavenEntry('com.example', 'fat-app', '1.0.0'),
    ...mavenEntry('org.shaded', 'dep', '3.1'),
    'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\r\nBundle-License: Apache-2.0;link="https://www.apache.org/lic\r\n enses/LICENSE-2.0.txt"\r\n\r\n',
    'lib/inner.jar': inner,
  });

  it('fat jar: both pom.properties and the nested jar, each with its own location and integrity', () => {
    const { packages, issues } = extract('app/fat-app-1.0.0.jar', fat);
    expect(issues).toEqual([]);
    expect(summary(packages)).toEqual(['com.example:fat-app@1.0.0', 'com.example:inner@2.0.0 in lib/inner.jar', 'org.shaded:dep@3.1']);
    expect(packages.every((p) => p.evidence === 'app/fat-app-1.0.0.jar')).toBe(true);
    expect(packages[0]!.licenses).toEqual(['Apache-2.0']);
    expect(integrityOf(packages, 'com.example:fat-app')).toBe(sha1(fat));
    expect(integrityOf(packages, 'com.example:inner')).toBe(sha1(inner));
    expect(integrityOf(packages, 'org.shaded:dep')).toBeUndefined();
    expect(packages[0]!.metadata).toEqual({ kind: 'language', origin: 'installed', groupId: 'com.example', artifactId: 'fat-app', integrity: sha1(fat) });
  });

  it('war: WEB-INF/lib jars from pom.properties, manifest and file name; stored or deflated', () => {
    const a = ws.zip('a.jar', mavenEntry('com.acme', 'a', '1.0'));
    const b = ws.zip('b.jar', {
      'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\nImplementation-Vendor-Id: org.bee\nImplementation-Title: b\nImplementation-Version: 2.0\n',
    });
    const c = ws.zip('c.jar', { 'c/C.class': 'x' });
    const war = ws.zip('shop.war', {
      ...mavenEntry('com.acme', 'shop', '5.0'),
      'WEB-INF/web.xml': '<web-app/>',
      'WEB-INF/lib/a-1.0.jar': a,
      'WEB-INF/lib/b.jar': b,
      'WEB-INF/lib/c-3.0.jar': c,
      'WEB-INF/lib/anonymous.jar': c,
    });
    const { packages, issues } = extract('srv/shop.war', war);
    expect(summary(packages)).toEqual([
      'c:c@3.0 in WEB-INF/lib/c-3.0.jar',
      'com.acme:a@1.0 in WEB-INF/lib/a-1.0.jar',
      'com.acme:shop@5.0',
      'org.bee:b@2.0 in WEB-INF/lib/b.jar',
    ]);
    expect(issues).toEqual(['srv/shop.war: WEB-INF/lib/anonymous.jar: no Maven coordinates: no pom.properties, no groupId/artifactId/version in the manifest, no version in the file name']);
    // Spring Boot stores BOOT-INF/lib jars uncompressed.
    const boot = ws.zip('boot.jar', { ...mavenEntry('com.acme', 'boot', '1.0'), 'BOOT-INF/lib/a-1.0.jar': a }, { stored: true });
    expect(summary(extract('boot.jar', boot).packages)).toEqual(['com.acme:a@1.0 in BOOT-INF/lib/a-1.0.jar', 'com.acme:boot@1.0']);
  });

  it('ear: modules and their libraries, paths joined with !/', () => {
    const lib = ws.zip('lib.jar', mavenEntry('com.acme', 'lib', '1.1'));
    const web = ws.zip('web.war', { ...mavenEntry('com.acme', 'web', '1.0'), 'WEB-INF/lib/lib-1.1.jar': lib });
    const ear = ws.zip('app.ear', { ...mavenEntry('com.acme', 'app', '1.0'), 'web.war': web, 'lib/lib-1.1.jar': lib });
    expect(summary(extract('app.ear', ear).packages)).toEqual([
      'com.acme:app@1.0',
      'com.acme:lib@1.1 in lib/lib-1.1.jar',
      'com.acme:lib@1.1 in web.war!/WEB-INF/lib/lib-1.1.jar',
      'com.acme:web@1.0 in web.war',
    ]);
  });

  it('executable jar with a launcher script in front, and a zip64 jar', () => {
    const script = Buffer.from('#!/bin/sh\nexec java -jar "$0" "$@"\n');
    const exec = Buffer.concat([script, fat]);
    const { packages, issues } = extract('app.jar', exec);
    expect(issues).toEqual([]);
    expect(summary(packages)).toEqual(['com.example:fat-app@1.0.0', 'com.example:inner@2.0.0 in lib/inner.jar', 'org.shaded:dep@3.1']);

    execFileSync('zip', ['-q', '-fz', join(ws.dir, 'z64.jar'), 'inner.jar', 'fat-app-1.0.0.jar'], { cwd: ws.dir });
    const z64 = readFileSync(join(ws.dir, 'z64.jar'));
    const result = extract('z64.jar', z64);
    expect(result.issues.filter((i) => !i.includes('no Maven coordinates'))).toEqual([]);
    expect(summary(result.packages)).toContain('com.example:inner@2.0.0 in inner.jar');
  });

  it('truncated jar: an issue naming the file, no packages; a truncated jar inside a war does not hide the rest', () => {
    const cut = fat.subarray(0, Math.floor(fat.length / 2));
    const { packages, issues } = extract('lib/cut.jar', cut);
    expect(packages).toEqual([]);
    expect(issues).toEqual(['lib/cut.jar: not a zip archive, or truncated: no end-of-central-directory record']);

    const war = ws.zip('partly-broken.war', { ...mavenEntry('com.acme', 'ok', '1.0'), 'WEB-INF/lib/cut.jar': cut });
    const nested = extract('partly-broken.war', war);
    expect(summary(nested.packages)).toEqual(['com.acme:ok@1.0']);
    expect(nested.issues).toEqual(['partly-broken.war: WEB-INF/lib/cut.jar: not a zip archive, or truncated: no end-of-central-directory record']);

    // Directory intact, data cut short: the nested jar's record claims half its compressed bytes.
    const short = Buffer.from(fat);
    const record = short.lastIndexOf(Buffer.from('lib/inner.jar')) - 46;
    expect(short.readUInt32LE(record)).toBe(0x02014b50);
    short.writeUInt32LE(Math.floor(short.readUInt32LE(record + 20) / 2), record + 20);
    const shortened = extract('short.jar', short);
    expect(summary(shortened.packages)).toEqual(['com.example:fat-app@1.0.0', 'org.shaded:dep@3.1']);
    expect(shortened.issues).toHaveLength(1);
    expect(shortened.issues[0]).toMatch(/^short\.jar: lib\/inner\.jar: corrupt deflate data \(.+\)$/);
  });

  it('1 GiB of zeros compressed (a zip bomb) is skipped on its declared sizes; the rest goes on', { timeout: 120_000 }, () => {
    const bomb = join(ws.dir, 'bomb.war');
    // zip reads the gigabyte from a pipe and stores it as entry "-", renamed with zipnote; nothing is kept on disk but the ~1 MiB archive.
    execFileSync('sh', ['-c', `head -c 1073741824 /dev/zero | zip -q -9 "${bomb}" - && printf '@ -\\n@=WEB-INF/lib/bomb.jar\\n' | zipnote -w "${bomb}"`]);
    ws.zip('a-1.0.jar', mavenEntry('com.acme', 'a', '1.0'));
    execFileSync('zip', ['-q', bomb, 'a-1.0.jar'], { cwd: ws.dir });
    const bytes = readFileSync(bomb);
    expect(bytes.length).toBeLessThan(2 * 1024 * 1024);
    const started = Date.now();
    const { packages, issues } = extract('bomb.war', bytes);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(summary(packages)).toEqual(['com.acme:a@1.0 in a-1.0.jar']);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toBe('bomb.war: no Maven coordinates: no pom.properties, no groupId/artifactId/version in the manifest, no version in the file name');
    expect(issues[1]).toMatch(/^bomb\.war: WEB-INF\/lib\/bomb\.jar: compression ratio \d+:1 \(1073741824 bytes from \d+\) exceeds 1000:1; treated as a zip bomb and skipped$/);
  });

  it('an entry that inflates beyond its declared size is stopped at once (fflate-built, sizes patched)', () => {
    const zeros = new Uint8Array(16 * 1024 * 1024);
    const liar = Buffer.from(zipSync({ 'WEB-INF/lib/liar.jar': zeros, 'META-INF/maven/com.acme/ok/pom.properties': new TextEncoder().encode('groupId=com.acme\nartifactId=ok\nversion=1\n') }, { level: 6 }));
    // Declare twice the compressed size as the uncompressed size, in the local header and the directory record.
    const local = 0;
    const compressed = liar.readUInt32LE(local + 18);
    liar.writeUInt32LE(compressed * 2, local + 22);
    const central = liar.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(liar.readUInt32LE(central + 24)).toBe(zeros.length);
    liar.writeUInt32LE(compressed * 2, central + 24);
    const started = Date.now();
    const { packages, issues } = extract('liar.war', liar);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(summary(packages)).toEqual(['com.acme:ok@1']);
    expect(issues).toEqual([`liar.war: WEB-INF/lib/liar.jar: inflates to more than its declared ${compressed * 2} bytes; entry skipped`]);
  });

  it('caps: nesting depth 4 by default', () => {
    let jar = ws.zip('level5.jar', mavenEntry('com.acme', 'level5', '1'));
    for (let level = 4; level >= 0; level--) {
      jar = ws.zip(`level${level}.jar`, { ...mavenEntry('com.acme', `level${level}`, '1'), [`lib/level${level + 1}.jar`]: jar });
    }
    const { packages, issues } = extract('level0.jar', jar);
    expect(packages.map((p) => p.name)).toEqual([0, 1, 2, 3, 4].map((n) => `com.acme:level${n}`));
    expect(issues).toEqual(['level0.jar: lib/level1.jar!/lib/level2.jar!/lib/level3.jar!/lib/level4.jar!/lib/level5.jar: nested deeper than 4 archive levels; not read']);
  });

  it('caps: per-entry size, inflate budget for the whole file, entry count', () => {
    const big = (n: number): Buffer => Buffer.from(Array.from({ length: 20_000 }, (_, i) => `line ${i} of jar ${n}\n`).join(''));
    const jars = [1, 2, 3].map((n) => ws.zip(`j${n}.jar`, { ...mavenEntry('com.acme', `j${n}`, '1'), 'data.txt': big(n) }, { stored: true }));
    const war = ws.zip('caps-1.0.war', Object.fromEntries(jars.map((j, i) => [`WEB-INF/lib/j${i + 1}.jar`, j])));
    const size = jars[0]!.length;

    const perEntry = extract('caps-1.0.war', war, { ...defaultArchiveLimits, maxEntryBytes: size - 1 });
    expect(summary(perEntry.packages)).toEqual(['caps:caps@1.0']);
    expect(perEntry.issues).toHaveLength(3);
    expect(perEntry.issues[0]).toBe(`caps-1.0.war: WEB-INF/lib/j1.jar: declared size ${size} bytes exceeds the ${size - 1}-byte limit; skipped`);

    const budget = extract('caps-1.0.war', war, { ...defaultArchiveLimits, maxTotalBytes: Math.floor(size * 2.5) });
    expect(budget.packages.map((p) => p.name)).toEqual(['caps:caps', 'com.acme:j1', 'com.acme:j2']);
    expect(budget.issues).toHaveLength(1);
    expect(budget.issues[0]).toMatch(/^caps-1\.0\.war: WEB-INF\/lib\/j3\.jar: declared size \d+ bytes exceeds what is left \(\d+ bytes\) of the \d+-byte read budget for the file; skipped$/);

    const entries = extract('caps-1.0.war', war, { ...defaultArchiveLimits, maxEntries: 2 });
    expect(entries.packages.map((p) => p.name)).toEqual(['caps:caps', 'com.acme:j1', 'com.acme:j2']);
    expect(entries.issues).toEqual(['caps-1.0.war: 3 entries exceed the 2-entry limit; only the first 2 were read']);
  });
});
