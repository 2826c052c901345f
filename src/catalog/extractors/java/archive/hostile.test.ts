/**
 * Hostile bytes: crafted directory records and thousands of random mutations of a real jar. The extractor must
 * never throw, never hang, and name the file in every issue.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../../../../test/shared-data.js';
import { defaultArchiveLimits, javaArchiveExtractor } from './index.js';
import { readZipDirectory } from './zip-directory.js';
import { extract } from './zip-tool.test-support.js';

const nested = readFileSync(join(peerFixtures('lang', 'java-archive', 'trivy'), 'nested.jar'));

function eocd(fields: { count: number; size: number; offset: number; comment?: number }): Buffer {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(0x06054b50, 0);
  b.writeUInt16LE(fields.count, 8);
  b.writeUInt16LE(fields.count, 10);
  b.writeUInt32LE(fields.size, 12);
  b.writeUInt32LE(fields.offset, 16);
  b.writeUInt16LE(fields.comment ?? 0, 20);
  return b;
}

/** Deterministic PRNG (mulberry32), so a failing mutation can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A zip whose `count` directory records all point at one stored entry holding `data` (overlapping entries). */
function overlapping(data: Buffer, count: number): Buffer {
  const name = Buffer.from('lib/x.jar');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const records = Array.from({ length: count }, (_, i) => {
    const entryName = Buffer.from(`lib/x${i}.jar`);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt32LE(data.length, 20);
    record.writeUInt32LE(data.length, 24);
    record.writeUInt16LE(entryName.length, 28);
    return Buffer.concat([record, entryName]);
  });
  const directory = Buffer.concat(records);
  const head = Buffer.concat([local, name, data]);
  return Buffer.concat([head, directory, eocd({ count, size: directory.length, offset: head.length })]);
}

describe('java/archive on hostile input', () => {
  it('bounds overlapping stored entries by the read budget, fan-out multiplied over nesting levels', () => {
    const leaf = Buffer.from(zipSync({ 'META-INF/maven/g/leaf/pom.properties': new TextEncoder().encode('groupId=g\nartifactId=leaf\nversion=1\n') }, { level: 0 }));
    const middle = overlapping(leaf, 200);
    const outer = overlapping(middle, 200);
    // Without a budget this is 40,000 reads of the leaf; the budget stops it after a few hundred KiB.
    const limits = { ...defaultArchiveLimits, maxTotalBytes: 20 * middle.length };
    const started = Date.now();
    const { packages, issues } = extract('quine-ish.jar', outer, limits);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(packages.length).toBeLessThan(20 * 200);
    expect(packages.length).toBeGreaterThan(0);
    expect(issues.some((i) => i.includes('read budget for the file'))).toBe(true);
    expect(issues).toHaveLength(101);
    expect(issues[100]).toBe('quine-ish.jar: more than 100 problems; the rest are not listed');
  });

  it('wants archives by extension only, and not empty files', () => {
    expect(javaArchiveExtractor.wants('opt/app/app.jar', { mode: 0o644, size: 10 })).toBe(true);
    expect(javaArchiveExtractor.wants('opt/jenkins/plugins/git.HPI', { mode: 0o644, size: 10 })).toBe(true);
    expect(javaArchiveExtractor.wants('opt/app/app.jar', { mode: 0o644, size: 0 })).toBe(false);
    expect(javaArchiveExtractor.wants('opt/app/app.zip', { mode: 0o644, size: 10 })).toBe(false);
    expect(javaArchiveExtractor.maxFileBytes).toBe(256 * 1024 * 1024);
  });

  it('reports non-zips and crafted directories with a reason', () => {
    expect(extract('x.jar', Buffer.from('PK')).issues).toEqual(['x.jar: not a zip archive: 2 bytes is shorter than an end-of-directory record']);
    expect(extract('x.jar', Buffer.alloc(4096, 0x41)).issues).toEqual(['x.jar: not a zip archive, or truncated: no end-of-central-directory record']);
    // 65535 entries claimed by an archive that is only the end record.
    expect(extract('x.jar', eocd({ count: 0xffff, size: 0, offset: 0 })).issues).toEqual(['x.jar: central directory not found at offset 0; archive truncated or corrupt']);
    expect(extract('x.jar', eocd({ count: 1, size: 0xffffffff, offset: 0xffffffff })).issues).toEqual(['x.jar: central directory size 4294967295 exceeds the archive']);
    // A zip64 locator pointing beyond the file.
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(0xffffffffffn, 8);
    expect(extract('x.jar', Buffer.concat([locator, eocd({ count: 0xffff, size: 0xffffffff, offset: 0xffffffff })])).issues).toEqual([
      'x.jar: zip64 end-of-directory record missing or out of bounds',
    ]);
    // An empty archive is fine, and names nothing.
    expect(extract('x.jar', eocd({ count: 0, size: 0, offset: 0 })).issues).toEqual(['x.jar: no Maven coordinates: no pom.properties, no groupId/artifactId/version in the manifest, no version in the file name']);
  });

  it('stops at a corrupt directory record but keeps the entries before it', () => {
    const zip = Buffer.from(zipSync({ 'META-INF/maven/g/a/pom.properties': new TextEncoder().encode('groupId=g\nartifactId=a\nversion=1\n'), 'b.txt': new Uint8Array(3) }));
    const second = zip.lastIndexOf(Buffer.from('b.txt')) - 46;
    zip.writeUInt16LE(0xffff, second + 28); // name length runs past the directory
    const listing = readZipDirectory(zip, 100);
    expect(listing.ok && listing.directory.entries.map((e) => e.name)).toEqual(['META-INF/maven/g/a/pom.properties']);
    const { packages, issues } = extract('x.jar', zip);
    expect(packages.map((p) => p.name)).toEqual(['g:a']);
    expect(issues).toEqual(['x.jar: central directory entry 2 of 2 runs past the directory; the rest were not read']);
  });

  it('skips encrypted entries and unknown compression methods with an issue', () => {
    const zip = Buffer.from(zipSync({ 'META-INF/maven/g/a/pom.properties': new TextEncoder().encode('groupId=g\nartifactId=a\nversion=1\n') }, { level: 0 }));
    const central = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const encrypted = Buffer.from(zip);
    encrypted.writeUInt16LE(1, central + 8);
    expect(extract('e.jar', encrypted).issues[0]).toBe('e.jar: META-INF/maven/g/a/pom.properties: encrypted entry');
    const bzip2 = Buffer.from(zip);
    bzip2.writeUInt16LE(12, central + 10);
    expect(extract('b.jar', bzip2).issues[0]).toBe('b.jar: META-INF/maven/g/a/pom.properties: compression method 12 is not supported');
  });

  it('survives random corruption of a nested jar without throwing or hanging', () => {
    const next = random(20240611);
    const started = Date.now();
    let issues = 0;
    for (let round = 0; round < 3000; round++) {
      const bytes = Buffer.from(nested);
      const flips = 1 + Math.floor(next() * 8);
      for (let i = 0; i < flips; i++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      const cut = next() < 0.2 ? Math.floor(next() * bytes.length) : bytes.length;
      const result = extract('fuzz.jar', bytes.subarray(0, cut));
      for (const issue of result.issues) expect(issue.startsWith('fuzz.jar: ')).toBe(true);
      for (const p of result.packages) expect(p.name.length).toBeGreaterThan(0);
      issues += result.issues.length;
    }
    expect(issues).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
