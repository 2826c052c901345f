import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import type { Finding, ScanReport } from '../src/core/finding.js';
import { encodeInventory, scan } from '../src/scan/index.js';
import { importDatabase } from '../src/vulndb/index.js';
import {
  APP_LAYER_CREATED_BY,
  debianVulnerableAppImage,
  FIXED_APP_DIR,
  VULNERABLE_APP_DIR,
  VULNERABLE_TAG,
} from './images/debian-vulnerable-app-image.js';
import { vulndata } from './shared-data.js';

/**
 * Acceptance for `grout scan` on real data: a real Debian image in which `npm ci` installed known-vulnerable
 * releases (and, beside them, the releases that fixed them), matched against a database imported from
 * ../shared/vulndata. What must be found is what the advisories say; an independent check recomputes every npm
 * verdict with node-semver from the raw OSV records.
 */
const imagePromise = debianVulnerableAppImage();
let work: string;
let db: string;
let report: ScanReport;
let reference: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'grout-acceptance-'));
  db = join(work, 'grout.db');
  await importDatabase(db, [vulndata()]);
  const img = await imagePromise;
  reference = `oci:${img.ociLayout}:${VULNERABLE_TAG}`;
  report = await scan(reference, { dbPath: db, now: new Date('2026-11-28T00:00:00Z') });
}, 1_800_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const inApp = (dir: string) => (f: Finding) => f.package.path.startsWith(`${dir}/`);
const key = (f: Finding): string => `${f.package.name}@${f.package.version} ${f.id}`;

describe('grout scan on an image with known-vulnerable npm packages', () => {
  it('reports exactly the advisories that hit the vulnerable app, with their fixed versions and aliases', () => {
    const found = report.findings.filter(inApp(VULNERABLE_APP_DIR));
    expect(found.map(key).sort()).toEqual(
      [
        'axios@0.21.0 CVE-2023-45857',
        'express@4.17.1 CVE-2024-29041',
        'lodash@4.17.15 CVE-2020-8203',
        'lodash@4.17.15 CVE-2021-23337',
        'minimist@1.2.0 CVE-2021-44906',
        'qs@6.7.0 CVE-2022-24999',
      ].sort(),
    );
    const byKey = new Map(found.map((f) => [key(f), f]));
    expect(byKey.get('lodash@4.17.15 CVE-2020-8203')).toMatchObject({ aliases: ['GHSA-p6mc-m468-83gw'], fixedVersions: ['4.17.20'], state: 'fixed' });
    expect(byKey.get('lodash@4.17.15 CVE-2021-23337')).toMatchObject({ aliases: ['GHSA-35jh-r3h4-6jhm'], fixedVersions: ['4.17.21'] });
    expect(byKey.get('minimist@1.2.0 CVE-2021-44906')).toMatchObject({ aliases: ['GHSA-xvch-5gv4-984h'], severity: 'critical' });
    expect(byKey.get('axios@0.21.0 CVE-2023-45857')?.fixedVersions).toContain('1.6.0');
    expect(byKey.get('express@4.17.1 CVE-2024-29041')?.fixedVersions).toContain('4.19.2');
    expect(byKey.get('qs@6.7.0 CVE-2022-24999')?.fixedVersions).toEqual(['6.7.3']);
    for (const f of found) {
      // Every finding says how it was found: the query, the range, the feed.
      expect(f.evidence[0]).toMatchObject({ query: { ecosystem: 'npm', name: f.package.name, version: f.package.version }, status: 'affected' });
      expect(f.evidence[0]?.matched).toMatch(/introduced/);
      // …and which layer brought the package.
      expect(f.package).toMatchObject({ layer: 3, layerCreatedBy: APP_LAYER_CREATED_BY });
    }
  });

  it('reports nothing for the app that installed the fixed releases', () => {
    expect(report.findings.filter(inApp(FIXED_APP_DIR)).map(key)).toEqual([]);
  });

  it('agrees with node-semver evaluating the raw OSV records for every npm package in the image', () => {
    const records = gunzipSync(readFileSync(vulndata('osv', 'ghsa-subset.jsonl.gz')))
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as OsvRecord);
    const npm = report.inventory.packages.filter((p) => p.ecosystem === 'npm');
    expect(npm.length).toBeGreaterThan(100);
    const expected = new Set<string>();
    for (const record of records) {
      for (const affected of record.affected ?? []) {
        if (affected.package.ecosystem !== 'npm') continue;
        for (const pkg of npm.filter((p) => p.name === affected.package.name)) {
          if (semverAffected(pkg.version, affected)) expected.add(`${pkg.id} ${record.id}`);
        }
      }
    }
    const actual = new Set(report.findings.filter((f) => f.package.ecosystem === 'npm').flatMap((f) => [f.id, ...f.aliases].filter((id) => id.startsWith('GHSA-')).map((id) => `${f.package.id} ${id}`)));
    expect([...actual].sort()).toEqual([...expected].sort());
    expect(expected.size).toBeGreaterThanOrEqual(6);
  });

  it('gives the same findings from the image and from its CycloneDX and SPDX SBOMs', async () => {
    const identity = (r: ScanReport): string[] => r.findings.map((f) => `${f.id} ${f.package.purl} ${f.package.path} ${f.state} ${f.severity} ${f.fixedVersions.join(',')}`).sort();
    for (const format of ['cyclonedx', 'spdx'] as const) {
      const file = join(work, `image.${format}.json`);
      writeFileSync(file, encodeInventory(report.inventory, format));
      const fromSbom = await scan(`sbom:${file}`, { dbPath: db, now: new Date('2026-11-28T00:00:00Z') });
      expect(identity(fromSbom), format).toEqual(identity(report));
    }
  });
});

describe('grout scan on the command line', () => {
  async function run(args: string[]): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    try {
      return { code: await main(args), stderr };
    } finally {
      err.mockRestore();
    }
  }

  it('exits 1 with --fail-on when findings at or above the threshold remain, 0 when they are ignored or below it', async () => {
    const out = join(work, 'report.json');
    const failing = await run(['scan', reference, '--db', db, '-q', '-f', 'json', '-o', out, '--fail-on', 'high']);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/4 findings at or above high/);
    expect(JSON.parse(readFileSync(out, 'utf8')).findings.length).toBe(6);

    const ignoreFile = join(work, 'ignore.yaml');
    writeFileSync(ignoreFile, 'ignore:\n  - id: GHSA-xvch-5gv4-984h\n    package: minimist\n    reason: not reachable from user input\n');
    const ignored = await run(['scan', reference, '--db', db, '-q', '-f', 'json', '-o', out, '--fail-on', 'critical', '--ignore-file', ignoreFile]);
    expect(ignored.code).toBe(0);

    const expired = join(work, 'expired.yaml');
    writeFileSync(expired, 'ignore:\n  - id: CVE-2021-44906\n    reason: accepted for one sprint\n    expires: 2020-01-01\n');
    expect((await run(['scan', reference, '--db', db, '-q', '-f', 'json', '-o', out, '--fail-on', 'critical', '--ignore-file', expired])).code).toBe(1);
    expect(JSON.parse(readFileSync(out, 'utf8')).expiredIgnores).toMatchObject([{ id: 'CVE-2021-44906', expires: '2020-01-01' }]);
  });

  it('says how to get a database when there is none', async () => {
    const missing = await run(['scan', reference, '--db', join(work, 'none', 'grout.db'), '-q']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/grout db update/);
    expect(missing.stderr).toMatch(/grout db import/);
  });
});

interface OsvRecord {
  id: string;
  affected?: { package: { ecosystem: string; name: string }; ranges?: { type: string; events: Record<string, string>[] }[]; versions?: string[] }[];
}

/** The OSV rule, written independently with node-semver: listed versions, or inside an introduced…fixed/last_affected interval. */
function semverAffected(version: string, affected: NonNullable<OsvRecord['affected']>[number]): boolean {
  if (affected.versions?.includes(version)) return true;
  for (const range of affected.ranges ?? []) {
    if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') continue;
    let lower: string | undefined;
    for (const event of range.events) {
      if (event['introduced'] !== undefined) lower = event['introduced'];
      const upper = event['fixed'] ?? event['last_affected'];
      if (upper === undefined || lower === undefined) continue;
      const op = event['fixed'] !== undefined ? '<' : '<=';
      const spec = lower === '0' ? `${op}${upper}` : `>=${lower} ${op}${upper}`;
      if (semver.satisfies(version, spec, { includePrerelease: true })) return true;
      lower = undefined;
    }
    if (lower !== undefined && (lower === '0' || semver.gte(version, lower))) return true;
  }
  return false;
}
