import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { vulndata } from '../../../../test/shared-data.js';
import { GroutError } from '../../../core/errors.js';
import { apkScheme, evaluateOsvAffected, semverScheme } from '../../../version/index.js';
import type { Advisory, FeedItem } from '../../advisory.js';
import { alpineSecdbFormat } from './alpine-secdb-format.js';

const testdata = (...parts: string[]): string => join(dirname(fileURLToPath(import.meta.url)), 'testdata', ...parts);
const scratch = mkdtempSync(join(tmpdir(), 'grout-alpine-secdb-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Skipped = Extract<FeedItem, { type: 'skipped' }>;

async function parse(path: string, label = path): Promise<{ advisories: Advisory[]; skipped: Skipped[] }> {
  const advisories: Advisory[] = [];
  const skipped: Skipped[] = [];
  for await (const item of alpineSecdbFormat.parse({ path, label }, { feed: 'alpine-secdb' })) {
    if (item.type === 'advisory') advisories.push(item.advisory);
    else if (item.type === 'skipped') skipped.push(item);
  }
  return { advisories, skipped };
}

const legacyFiles = readdirSync(vulndata('alpine', 'secdb-legacy'))
  .sort()
  .flatMap((branch) => ['main.yaml', 'community.yaml'].map((file) => [branch, file] as const));

describe('Alpine secdb-legacy YAML (alpinelinux/alpine-secdb, v3.3–v3.11)', () => {
  it('has the 18 files the MANIFEST lists', () => {
    expect(legacyFiles).toHaveLength(18);
  });

  it.each(legacyFiles)('%s/%s parses; every entry is in its branch; ids are clean', async (branch, file) => {
    const { advisories, skipped } = await parse(vulndata('alpine', 'secdb-legacy', branch, file), `${branch}/${file}`);
    // The one garbage value in the whole set: heimdal's empty `7.4.0-r0:` in v3.6/main.
    expect(skipped.map((s) => `${s.where}: ${s.reason}`)).toEqual(branch === 'v3.6' && file === 'main.yaml' ? ['v3.6/main.yaml packages[34]: heimdal 7.4.0-r0: no ids listed'] : []);
    for (const advisory of advisories) {
      expect(advisory.id).toMatch(/^(CVE-\d{4}-\d{4,7}|[A-Za-z]+(-[A-Za-z]+)*(-\d+)+)$/);
      for (const entry of advisory.affected) {
        expect(entry.ecosystem).toBe(`Alpine:${branch}`);
        if (entry.status === 'affected') expect(entry.ranges[0]?.events[0]).toEqual({ introduced: '0' });
        else expect(entry).toMatchObject({ status: 'not-affected', ranges: [] });
      }
    }
    if (branch === 'v3.3' && file === 'community.yaml') expect(advisories).toEqual([]);
  });

  it.each([
    // packages / distinct CVE ids (the MANIFEST counts 461, 1204 and 895 secfix strings, repeats included)
    ['v3.3', 'main.yaml', 91, 457],
    ['v3.11', 'main.yaml', 175, 1109],
    ['v3.11', 'community.yaml', 85, 829],
  ])('%s/%s: %i origin packages, %i distinct CVE ids', async (branch, file, packages, cves) => {
    const { advisories } = await parse(vulndata('alpine', 'secdb-legacy', branch, file));
    expect(new Set(advisories.flatMap((a) => a.affected.map((p) => p.name))).size).toBe(packages);
    expect(advisories.filter((a) => a.id.startsWith('CVE-'))).toHaveLength(cves);
  });

  it('gathers one advisory per id across branches, entries in branch order', async () => {
    const { advisories, skipped } = await parse(vulndata('alpine', 'secdb-legacy'), 'secdb-legacy');
    expect(skipped).toHaveLength(1);
    expect(new Set(advisories.map((a) => a.id)).size).toBe(advisories.length);
    const xsa = advisories.find((a) => a.id === 'CVE-2018-3620');
    expect(xsa?.related).toEqual(['XSA-273']);
    expect(xsa?.affected.map((p) => p.ecosystem)).toEqual(['Alpine:v3.6', 'Alpine:v3.7', 'Alpine:v3.9', 'Alpine:v3.10', 'Alpine:v3.11']);
    const tcpdump = advisories.find((a) => a.id === 'CVE-2018-14468');
    expect(tcpdump?.affected.map((p) => [p.ecosystem, p.name, p.note])).toEqual([
      ['Alpine:v3.10', 'tcpdump', 'FrameRelay'],
      ['Alpine:v3.11', 'tcpdump', 'FrameRelay'],
    ]);
    expect(advisories.find((a) => a.id === 'CVE-2019-2426')?.affected.map((p) => p.name)).toContain('openjdk8');
  });
});

describe('Alpine vuln-list per-package JSON (3.20/main)', () => {
  it('openssl in v3.20 has exactly the secfix keys of the file; a "0" key is not-affected', async () => {
    const file = JSON.parse(readFileSync(vulndata('alpine', 'vuln-list-sample', '3.20', 'main', 'openssl.json'), 'utf8')) as { secfixes: Record<string, string[]> };
    const { advisories, skipped } = await parse(vulndata('alpine', 'vuln-list-sample', '3.20', 'main', 'openssl.json'));
    expect(skipped).toEqual([]);
    const byId = new Map(advisories.map((a) => [a.id, a]));
    let checked = 0;
    for (const [key, ids] of Object.entries(file.secfixes)) {
      for (const id of ids) {
        const entry = byId.get(id)?.affected.find((p) => p.ecosystem === 'Alpine:v3.20' && p.name === 'openssl');
        if (key === '0') expect(entry).toEqual({ ecosystem: 'Alpine:v3.20', name: 'openssl', status: 'not-affected', ranges: [], versions: [] });
        else expect(entry?.ranges).toEqual([{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: key }] }]);
        checked += 1;
      }
    }
    expect(checked).toBe(78);
    expect(byId.get('CVE-2022-1292')?.affected[0]?.status).toBe('not-affected');
    // And the ranges decide as apk orders versions.
    const heartbleedEra = byId.get('CVE-2023-0286')?.affected[0];
    const schemes = { ecosystem: apkScheme, semver: semverScheme };
    expect(heartbleedEra?.ranges[0]?.events[1]).toEqual({ fixed: '3.0.8-r0' });
    expect(evaluateOsvAffected('3.0.7-r2', heartbleedEra ?? { ranges: [] }, schemes).status).toBe('affected');
    expect(evaluateOsvAffected('3.0.8-r0', heartbleedEra ?? { ranges: [] }, schemes).status).toBe('not-affected');
  });

  it('the whole sample: 6 origin packages, ALPINE- ids, 11 not-affected entries', async () => {
    const { advisories, skipped } = await parse(vulndata('alpine', 'vuln-list-sample'));
    expect(skipped).toEqual([]);
    expect([...new Set(advisories.flatMap((a) => a.affected.map((p) => p.name)))].sort()).toEqual(['apk-tools', 'busybox', 'curl', 'musl', 'openssl', 'zlib']);
    expect(advisories.find((a) => a.id === 'ALPINE-13661')?.affected).toEqual([
      { ecosystem: 'Alpine:v3.20', name: 'busybox', status: 'affected', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.35.0-r7' }] }], versions: [] },
    ]);
    expect(advisories.flatMap((a) => a.affected).filter((p) => p.status === 'not-affected')).toHaveLength(11);
    expect(advisories.every((a) => a.feed === 'alpine-secdb' && a.kind === 'vulnerability')).toBe(true);
  });
});

describe('quirks and hostile input', () => {
  it('splits and cleans ids, keeps YAML keys as text, and skips garbage with a reason', async () => {
    const { advisories, skipped } = await parse(testdata('secdb-quirks.yaml'), 'quirks.yaml');
    expect(skipped.map((s) => `${s.where}: ${s.reason}`)).toEqual([
      'quirks.yaml packages[0]: made-up 1.10-r0: no vulnerability id in "CVE-????-?????"',
      'quirks.yaml packages[0]: made-up 1.10-r0: no vulnerability id in "42"',
      'quirks.yaml packages[0]: made-up: secfix key "not a version!" is not an apk version',
      'quirks.yaml packages[0]: made-up 2.0-r0: no ids listed',
      'quirks.yaml packages[2]: package name "bad name with spaces" is missing or malformed',
      'quirks.yaml packages[3]: listed-wrong: secfixes is not a map of fixed version → ids',
    ]);
    const byId = new Map(advisories.map((a) => [a.id, a]));
    expect([...byId.keys()]).toEqual(['CVE-2099-0001', 'CVE-2099-0002', 'CVE-2099-0003', 'CVE-2099-0004', 'CVE-2099-0005', 'CVE-2099-0100', 'CVE-2099-0500', 'XSA-1000']);
    // Listed under two keys: both fixes, lowest first in apk order (1.2 < 1.10).
    expect(byId.get('CVE-2099-0001')?.affected[0]?.ranges).toEqual([{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2-r0' }, { fixed: '1.10-r0' }] }]);
    expect(byId.get('CVE-2099-0003')?.related).toEqual(['XSA-999']);
    expect(byId.get('CVE-2099-0005')?.affected[0]?.note).toBe('only the frobnicator');
    expect(byId.get('CVE-2099-0100')?.affected[0]).toEqual({ ecosystem: 'Alpine:v3.99', name: 'made-up', status: 'not-affected', ranges: [], versions: [] });
    expect(byId.get('CVE-2099-0500')?.affected[0]?.ranges[0]?.events).toEqual([{ introduced: '0' }, { fixed: '2.10' }]);
  });

  it('reads a secdb JSON document', async () => {
    const { advisories } = await parse(testdata('secdb-main.json'));
    expect(advisories.map((a) => [a.id, a.affected.map((p) => `${p.ecosystem} ${p.name} ${p.status}`)])).toEqual([
      ['ALPINE-99999', ['Alpine:v3.98 other affected']],
      ['CVE-2099-0001', ['Alpine:v3.98 made-up affected']],
      ['CVE-2099-0002', ['Alpine:v3.98 made-up not-affected']],
    ]);
  });

  it('a single file without a release, or with an alias bomb, is a clear E_FEED_FORMAT naming it', async () => {
    for (const [file, message] of [
      ['no-distroversion.json', 'no-distroversion.json: distroversion null is not an Alpine release (v3.20, 3.20 or edge)'],
      ['billion-laughs.yaml', 'billion-laughs.yaml: not valid YAML: Excessive alias count indicates a resource exhaustion attack'],
    ] as const) {
      const error = await parse(testdata(file), file).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GroutError);
      expect((error as GroutError).code).toBe('E_FEED_FORMAT');
      expect((error as GroutError).message).toBe(message);
    }
  });

  it('in a directory, bad files are skipped and the rest still count; links out are not followed', async () => {
    const dir = join(scratch, 'mirror');
    mkdirSync(join(dir, 'v3.98'), { recursive: true });
    writeFileSync(join(dir, 'v3.98', 'main.json'), readFileSync(testdata('secdb-main.json')));
    writeFileSync(join(dir, 'v3.98', 'broken.yaml'), 'distroversion: [unclosed\n');
    writeFileSync(join(dir, 'v3.98', 'other.json'), '{"hello": "world"}');
    writeFileSync(join(scratch, 'outside.json'), readFileSync(testdata('secdb-main.json')));
    symlinkSync(join(scratch, 'outside.json'), join(dir, 'v3.98', 'escape.json'));
    const { advisories, skipped } = await parse(dir, 'mirror');
    expect(skipped.map((s) => `${s.where}: ${s.reason.split('\n')[0]}`)).toEqual([
      expect.stringMatching(/^mirror\/v3\.98\/broken\.yaml: not valid YAML: /),
      'mirror/v3.98/escape.json: a symbolic link out of the directory; not followed',
      'mirror/v3.98/other.json: distroversion null is not an Alpine release (v3.20, 3.20 or edge)',
    ]);
    expect(advisories).toHaveLength(3);
  });

  it('normalises 3.11 to v3.11 and accepts edge', async () => {
    const path = join(scratch, 'edge.json');
    writeFileSync(path, JSON.stringify({ name: 'x', distroversion: 'edge', secfixes: { '1-r0': ['CVE-2099-1111'] } }));
    expect((await parse(path)).advisories[0]?.affected[0]?.ecosystem).toBe('Alpine:edge');
    writeFileSync(path, JSON.stringify({ name: 'x', distroversion: '3.11', secfixes: { '1-r0': ['CVE-2099-1111'] } }));
    expect((await parse(path)).advisories[0]?.affected[0]?.ecosystem).toBe('Alpine:v3.11');
  });
});

describe('alpineSecdbFormat.sniff', () => {
  const head = (path: string): Uint8Array => readFileSync(path).subarray(0, 4096);
  it.each([
    ['secdb YAML', vulndata('alpine', 'secdb-legacy', 'v3.11', 'main.yaml')],
    ['vuln-list JSON', vulndata('alpine', 'vuln-list-sample', '3.20', 'main', 'openssl.json')],
    ['secdb JSON', testdata('secdb-main.json')],
  ])('claims %s', (_, path) => {
    expect(alpineSecdbFormat.sniff(path, head(path), false)).toBe(true);
  });

  it('claims Alpine directories, not others', () => {
    expect(alpineSecdbFormat.sniff(vulndata('alpine'), new Uint8Array(), true)).toBe(true);
    expect(alpineSecdbFormat.sniff(vulndata('alpine', 'vuln-list-sample'), new Uint8Array(), true)).toBe(true);
    expect(alpineSecdbFormat.sniff(vulndata('ubuntu', 'osv-samples'), new Uint8Array(), true)).toBe(false);
    expect(alpineSecdbFormat.sniff(vulndata('kev'), new Uint8Array(), true)).toBe(false);
    expect(alpineSecdbFormat.sniff(join(scratch, 'missing'), new Uint8Array(), true)).toBe(false);
    // A folder that mixes feeds is not claimed.
    expect(alpineSecdbFormat.sniff(vulndata(), new Uint8Array(), true)).toBe(false);
  });

  it.each([
    ['an OSV record', vulndata('malicious', 'ossf-malicious-packages-sample', 'npm', 'MAL-2022-3.json')],
    ['CISA KEV', vulndata('kev', 'known_exploited_vulnerabilities.json')],
    ['the Debian tracker JSON', vulndata('debian', 'tracker-json-sample', 'debian.json')],
    ['an OSV .jsonl.gz', vulndata('osv', 'pypa.jsonl.gz')],
  ])('does not claim %s', (_, path) => {
    expect(alpineSecdbFormat.sniff(path, head(path), false)).toBe(false);
  });
});
