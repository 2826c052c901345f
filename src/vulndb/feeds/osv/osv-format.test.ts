import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { vulndata } from '../../../../test/shared-data.js';
import { GroutError } from '../../../core/errors.js';
import type { FeedItem } from '../../advisory.js';
import { osvFormat } from './osv-format.js';

const testdata = (...parts: string[]): string => join(dirname(fileURLToPath(import.meta.url)), 'testdata', ...parts);
const scratch = mkdtempSync(join(tmpdir(), 'grout-osv-format-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function items(path: string, label = path, signal?: AbortSignal): Promise<FeedItem[]> {
  const out: FeedItem[] = [];
  for await (const item of osvFormat.parse({ path, label }, { feed: 'osv-test', ...(signal === undefined ? {} : { signal }) })) out.push(item);
  return out;
}

const summary = (list: FeedItem[]): string[] =>
  list.map((item) => (item.type === 'advisory' ? `advisory ${item.advisory.id}` : item.type === 'skipped' ? `skipped ${item.where} — ${item.reason}` : item.type));

async function failure(promise: Promise<unknown>): Promise<GroutError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof GroutError)) throw new Error(`expected a GroutError, got ${String(error)}`);
  return error;
}

/** The first `n` records of a real OSV jsonl.gz, as [id, JSON text]. */
function realRecords(file: string, n: number): [string, string][] {
  const lines = gunzipSync(readFileSync(vulndata('osv', file))).toString('utf8').split('\n').filter(Boolean).slice(0, n);
  return lines.map((line) => [(JSON.parse(line) as { id: string }).id, line]);
}

describe('osvFormat.parse: JSON files and directories', () => {
  it('reads one pretty-printed record', async () => {
    const [item] = await items(testdata('single-record.json'), 'single-record.json');
    expect(item).toMatchObject({ type: 'advisory', advisory: { id: 'GHSA-1111-2222-3333', aliases: ['CVE-2099-0001'], feed: 'osv-test', cwes: ['CWE-400'] } });
  });

  it('walks a directory recursively in sorted order; bad files are skipped, other files ignored', async () => {
    expect(summary(await items(testdata('records-dir'), 'records'))).toEqual([
      'advisory RUSTSEC-2099-0001',
      'skipped records/array/records.json[1] — "RUSTSEC-2099-0002": no affected package grout can match (unknown ecosystem "Nowhere")',
      expect.stringMatching(/^skipped records\/broken\.json — not valid JSON: /),
      'advisory GHSA-1111-2222-3333',
      'skipped records/pypa/PYSEC-2099-2.json — "PYSEC-2099-2": withdrawn on "2024-02-01T00:00:00Z"',
      'advisory PYSEC-2099-1',
    ]);
  });

  it('does not follow symbolic links out of the directory, nor to directories', async () => {
    const outside = join(scratch, 'outside');
    const inside = join(scratch, 'linked');
    mkdirSync(outside, { recursive: true });
    mkdirSync(join(inside, 'real'), { recursive: true });
    writeFileSync(join(outside, 'secret.json'), readFileSync(testdata('single-record.json')));
    writeFileSync(join(inside, 'real', 'a.json'), readFileSync(testdata('single-record.json')));
    symlinkSync(join(outside, 'secret.json'), join(inside, 'escape.json'));
    symlinkSync(join(inside, 'real', 'a.json'), join(inside, 'b-alias.json'));
    symlinkSync(join(inside, 'real'), join(inside, 'loop.json'));
    symlinkSync(join(inside, 'missing'), join(inside, 'dangling.json'));
    expect(summary(await items(inside, 'linked'))).toEqual([
      'advisory GHSA-1111-2222-3333',
      'skipped linked/dangling.json — a dangling symbolic link',
      'skipped linked/escape.json — a symbolic link out of the directory; not followed',
      'skipped linked/loop.json — a symbolic link to something other than a file; not followed',
      // real/a.json is the same record again: one advisory per id.
      'skipped linked — "GHSA-1111-2222-3333": a second record with this id; the first is kept',
    ]);
  });

  it('holds a one-record file to the record limit', async () => {
    const dir = join(scratch, 'big-record');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'GO-BIG.json'), JSON.stringify({ id: 'GO-BIG', details: 'x'.repeat(9 * 1024 * 1024), affected: [] }));
    expect(summary(await items(dir, 'big'))).toEqual([expect.stringMatching(/^skipped big\/GO-BIG\.json — a record of 94\d{5} bytes is larger than the 8388608-byte record limit$/)]);
  });

  it('a single file that is not JSON is a clear E_FEED_FORMAT naming it', async () => {
    const error = await failure(items(testdata('records-dir', 'broken.json'), 'mirror/broken.json'));
    expect(error.code).toBe('E_FEED_FORMAT');
    expect(error.message).toMatch(/^mirror\/broken\.json: not valid JSON/);
    expect(error.file).toBe('mirror/broken.json');
  });

  it('a missing input is E_IO naming it', async () => {
    const error = await failure(items(join(scratch, 'nope.json'), 'nope.json'));
    expect(error.code).toBe('E_IO');
    expect(error.message).toMatch(/^nope\.json: cannot read/);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(items(vulndata('osv', 'pypa.jsonl.gz'), 'pypa', controller.signal)).rejects.toThrow(/abort/i);
  });
});

describe('osvFormat.parse: JSON lines', () => {
  it('skips bad lines with file:line and carries on', async () => {
    const list = summary(await items(testdata('bad-lines.jsonl'), 'bad-lines.jsonl'));
    expect(list).toEqual([
      'advisory GO-2099-0001',
      expect.stringMatching(/^skipped bad-lines\.jsonl:2 — not valid JSON: /),
      'skipped bad-lines.jsonl:4 — "GO-2099-0003": no affected packages',
      'skipped bad-lines.jsonl:5 — missing id',
      'skipped bad-lines.jsonl:6 — "GO-2099-0005": affected[0].ranges[0].events[1].fixed is a number, not a version string',
      'advisory GO-2099-0006',
    ]);
  });

  it('skips an enormous line without holding it, and reads the records around it', async () => {
    const [[, first], [, second]] = realRecords('go-vulndb.jsonl.gz', 2) as [[string, string], [string, string]];
    const path = join(scratch, 'enormous.jsonl');
    writeFileSync(path, `${first}\n{"id":"GO-HUGE","details":"${'x'.repeat(9 * 1024 * 1024)}"}\n${second}\n`);
    const list = summary(await items(path, 'enormous.jsonl'));
    expect(list).toEqual(['advisory GO-2020-0001', expect.stringMatching(/^skipped enormous\.jsonl:2 — a line of 94\d{5} bytes is longer than the 8388608-byte record limit$/), 'advisory GO-2020-0003']);
  });

  it('a truncated .jsonl.gz yields what it could, then a clear E_FEED_FORMAT naming the file', async () => {
    const path = join(scratch, 'truncated.jsonl.gz');
    writeFileSync(path, readFileSync(vulndata('osv', 'rustsec.jsonl.gz')).subarray(0, 100_000));
    const seen: FeedItem[] = [];
    const error = await failure(
      (async () => {
        for await (const item of osvFormat.parse({ path, label: 'mirror/rustsec.jsonl.gz' }, { feed: 'osv-test' })) seen.push(item);
      })(),
    );
    expect(error.code).toBe('E_FEED_FORMAT');
    expect(error.message).toMatch(/^mirror\/rustsec\.jsonl\.gz: truncated or corrupt gzip data/);
    expect(seen.length).toBeGreaterThan(50);
  });

  it('inside a directory, a truncated .jsonl.gz ends that file only', async () => {
    const dir = join(scratch, 'mixed');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a-truncated.jsonl.gz'), readFileSync(vulndata('osv', 'rustsec.jsonl.gz')).subarray(0, 20_000));
    writeFileSync(join(dir, 'b.json'), readFileSync(testdata('single-record.json')));
    const list = summary(await items(dir, 'mixed'));
    expect(list.slice(-2)).toEqual([expect.stringMatching(/^skipped mixed\/a-truncated\.jsonl\.gz — truncated or corrupt gzip data/), 'advisory GHSA-1111-2222-3333']);
  });

  it('corrupt gzip data is E_FEED_FORMAT', async () => {
    const path = join(scratch, 'corrupt.jsonl.gz');
    const good = gzipSync('{"id":"X"}\n'.repeat(100));
    writeFileSync(path, Buffer.concat([good.subarray(0, 12), Buffer.alloc(200, 0xff)]));
    expect((await failure(items(path, 'corrupt.jsonl.gz'))).code).toBe('E_FEED_FORMAT');
  });

  it('a gzip bomb is stopped by the inflation ratio cap', async () => {
    const path = join(scratch, 'bomb.jsonl.gz');
    writeFileSync(path, gzipSync(Buffer.alloc(80 * 1024 * 1024, 0x20), { level: 9 }));
    const error = await failure(items(path, 'bomb.jsonl.gz'));
    expect(error.code).toBe('E_FEED_FORMAT');
    expect(error.message).toContain('gzip bomb');
  });
});

describe('osvFormat.parse: all.zip', () => {
  const records = realRecords('ghsa-subset.jsonl.gz', 5);

  it('reads a real-record zip made by fflate, passing over a README; entry names never touch the disk', async () => {
    const files: Record<string, Uint8Array> = { 'README.txt': new TextEncoder().encode('not a record') };
    for (const [id, text] of records) files[`${id}.json`] = new TextEncoder().encode(text);
    files['../../escape/GHSA-evil.json'] = new TextEncoder().encode(records[0]?.[1] ?? '');
    const path = join(scratch, 'ghsa-all.zip');
    writeFileSync(path, zipSync(files, { level: 6 }));
    const before = readdirSync(scratch).sort();

    const list = await items(path, 'all.zip');
    expect(summary(list)).toEqual([
      ...records.map(([id]) => `advisory ${id}`),
      `skipped all.zip — "${records[0]?.[0] ?? ''}": a second record with this id; the first is kept`,
    ]);
    // The ../ name is only a label.
    expect(readdirSync(scratch).sort()).toEqual(before);
    expect(osvFormat.sniff(path, readFileSync(path).subarray(0, 4096), false)).toBe(true);
  });

  it('reads a Zip64 archive made by the zip command', async () => {
    const dir = join(scratch, 'zip64-src');
    mkdirSync(dir, { recursive: true });
    for (const [id, text] of records) writeFileSync(join(dir, `${id}.json`), text);
    const path = join(scratch, 'zip64.zip');
    execFileSync('zip', ['-q', '-fz', '-j', path, ...records.map(([id]) => join(dir, `${id}.json`))]);
    const list = await items(path, 'zip64.zip');
    expect(list.map((item) => (item.type === 'advisory' ? item.advisory.id : item.type)).sort()).toEqual(records.map(([id]) => id).sort());
  });

  it('a zip-bomb entry is skipped with its ratio; the honest entries still parse', async () => {
    const path = join(scratch, 'bomb.zip');
    const [id, text] = records[0] ?? ['', ''];
    writeFileSync(path, zipSync({ 'bomb.json': new Uint8Array(32 * 1024 * 1024), [`${id}.json`]: new TextEncoder().encode(text) }, { level: 9 }));
    expect(summary(await items(path, 'bomb.zip'))).toEqual([
      expect.stringMatching(/^skipped bomb\.zip:bomb\.json — 33554432 bytes uncompressed \(at most 8388608 are read\)$/),
      `advisory ${id}`,
    ]);
    const ratioPath = join(scratch, 'ratio.zip');
    writeFileSync(ratioPath, zipSync({ 'dense.json': new Uint8Array(4 * 1024 * 1024) }, { level: 9 }));
    expect(summary(await items(ratioPath, 'ratio.zip'))).toEqual([expect.stringMatching(/^skipped ratio\.zip:dense\.json — compression ratio \d+:1 is above 200:1 \(a zip bomb\?\)$/)]);
  });

  it('entries that share their data (overlapping-file bomb) reject the whole zip', async () => {
    const path = join(scratch, 'overlap.zip');
    writeFileSync(path, overlappingZip(Buffer.from(records[0]?.[1] ?? ''), 50));
    const error = await failure(items(path, 'overlap.zip'));
    expect(error.code).toBe('E_FEED_FORMAT');
    expect(error.message).toBe('overlap.zip: not a readable zip: entries overlap (a zip bomb, or a corrupt file)');
  });

  it('a lying size or a corrupt entry is skipped, not trusted', async () => {
    const [id, text] = records[0] ?? ['', ''];
    const zip = Buffer.from(zipSync({ [`${id}.json`]: new TextEncoder().encode(text), 'second.json': new TextEncoder().encode('{"id":"X"}') }, { level: 6 }));
    // Declare the first entry smaller than it is (central directory uncompressed size).
    const cd = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(100, cd + 24);
    const path = join(scratch, 'lying.zip');
    writeFileSync(path, zip);
    expect(summary(await items(path, 'lying.zip'))).toEqual([`skipped lying.zip:${id}.json — inflates past its declared size`, 'skipped lying.zip:second.json — "X": no affected packages']);
  });

  it('a truncated zip is E_FEED_FORMAT naming the file', async () => {
    const zip = zipSync(Object.fromEntries(records.map(([id, text]) => [`${id}.json`, new TextEncoder().encode(text)])));
    const path = join(scratch, 'cut.zip');
    writeFileSync(path, zip.subarray(0, Math.floor(zip.length / 2)));
    const error = await failure(items(path, 'mirror/all.zip'));
    expect(error.code).toBe('E_FEED_FORMAT');
    expect(error.message).toMatch(/^mirror\/all\.zip: not a readable zip: no end-of-central-directory record/);
  });
});

describe('osvFormat.sniff', () => {
  const head = (path: string): Uint8Array => readFileSync(path).subarray(0, 4096);
  it.each([
    ['an OSV .jsonl.gz', vulndata('osv', 'go-vulndb.jsonl.gz')],
    ['a GHSA .jsonl.gz whose first key is affected', vulndata('osv', 'ghsa-subset.jsonl.gz')],
    ['a pretty-printed record', testdata('single-record.json')],
    ['a JSON-lines file', testdata('bad-lines.jsonl')],
    ['a malicious-packages record', vulndata('malicious', 'ossf-malicious-packages-sample', 'npm', 'MAL-2022-3.json')],
  ])('claims %s', (_, path) => {
    expect(osvFormat.sniff(path, head(path), false)).toBe(true);
  });

  it.each([
    ['the Ubuntu samples', vulndata('ubuntu', 'osv-samples')],
    ['the vulndata/osv folder of .jsonl.gz', vulndata('osv')],
    ['a records directory', testdata('records-dir')],
  ])('claims the directory of %s', (_, path) => {
    expect(osvFormat.sniff(path, new Uint8Array(), true)).toBe(true);
  });

  it.each([
    ['CISA KEV', vulndata('kev', 'known_exploited_vulnerabilities.json')],
    ['the Debian tracker JSON', vulndata('debian', 'tracker-json-sample', 'debian.json')],
    ['an Alpine secdb YAML', vulndata('alpine', 'secdb-legacy', 'v3.11', 'main.yaml')],
    ['an Alpine vuln-list JSON', vulndata('alpine', 'vuln-list-sample', '3.20', 'main', 'openssl.json')],
    ['the DSA list', vulndata('debian', 'security-tracker', 'DSA.list')],
  ])('does not claim %s', (_, path) => {
    expect(osvFormat.sniff(path, head(path), false)).toBe(false);
  });

  it('does not claim an Alpine secdb JSON document or an Alpine directory', () => {
    const secdb = JSON.stringify({ apkurl: '{{urlprefix}}/…', archs: ['x86_64'], reponame: 'main', urlprefix: 'https://example.test', distroversion: 'v3.20', packages: [{ pkg: { name: 'openssl', secfixes: { '3.3.2-r0': ['CVE-2024-6119'] } } }] });
    expect(osvFormat.sniff('main.json', Buffer.from(secdb), false)).toBe(false);
    expect(osvFormat.sniff(vulndata('alpine'), new Uint8Array(), true)).toBe(false);
    expect(osvFormat.sniff(vulndata('kev'), new Uint8Array(), true)).toBe(false);
  });

  it('does not claim a folder that mixes feeds (vulndata itself, or debian/ with its tracker JSON)', () => {
    expect(osvFormat.sniff(vulndata(), new Uint8Array(), true)).toBe(false);
    expect(osvFormat.sniff(vulndata('debian'), new Uint8Array(), true)).toBe(false);
    expect(osvFormat.sniff(vulndata('debian', 'osv-samples'), new Uint8Array(), true)).toBe(true);
  });

  it('never throws, on garbage or a missing directory', () => {
    expect(osvFormat.sniff('x.jsonl.gz', Buffer.from([0x1f, 0x8b, 0, 0, 1, 2, 3]), false)).toBe(false);
    expect(osvFormat.sniff('x.zip', Buffer.from('PK\u0003\u0004garbage'), false)).toBe(false);
    expect(osvFormat.sniff(join(scratch, 'no-such-dir'), new Uint8Array(), true)).toBe(false);
  });
});

/** A zip whose `count` central-directory entries all point at the same stored data. */
function overlappingZip(data: Buffer, count: number): Buffer {
  const name = Buffer.from('a.json');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(0, 14); // crc (not reached)
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const entries: Buffer[] = [];
  for (let i = 0; i < count; i += 1) {
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt32LE(data.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(0, 42);
    entries.push(cd, name);
  }
  const central = Buffer.concat(entries);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(local.length + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, end]);
}
