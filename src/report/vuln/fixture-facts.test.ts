import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { vulndata } from '../../../test/shared-data.js';
import { debianAppReport } from './testdata/scan-reports.js';

/**
 * The report fixture claims real advisory facts: check them against the records in ../shared/vulndata, so the
 * goldens never drift from what the feeds say.
 */
interface OsvRecord {
  id: string;
  aliases?: string[];
  summary?: string;
  published?: string;
  severity?: { type: string; score: string }[];
  affected: { package: { ecosystem: string; name: string }; ranges?: { events: Record<string, string>[] }[] }[];
  database_specific?: { cwe_ids?: string[] };
}

function ghsa(): Map<string, OsvRecord> {
  const text = gunzipSync(readFileSync(vulndata('osv', 'ghsa-subset.jsonl.gz'))).toString('utf8');
  const out = new Map<string, OsvRecord>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as OsvRecord;
    out.set(r.id, r);
  }
  return out;
}

describe('fixture facts match ../shared/vulndata', () => {
  const records = ghsa();

  it.each(debianAppReport.findings.filter((f) => f.aliases.some((a) => a.startsWith('GHSA-'))).map((f) => [f.id, f] as const))(
    '%s: alias, summary, published, CWEs, CVSS vector and fixes as the GHSA record says',
    (_id, f) => {
      const ghsaId = f.aliases.find((a) => a.startsWith('GHSA-'))!;
      const r = records.get(ghsaId);
      expect(r, `${ghsaId} in ghsa-subset`).toBeDefined();
      expect(r!.aliases).toContain(f.id);
      expect(f.summary).toBe(r!.summary);
      expect(f.published).toBe(r!.published);
      expect(f.cwes).toEqual(r!.database_specific?.cwe_ids ?? []);
      expect(f.cvss.map((c) => c.vector)).toEqual((r!.severity ?? []).filter((s) => s.type === 'CVSS_V3').map((s) => s.score));
      const query = f.evidence[0]!.query;
      const fixes = r!.affected
        .filter((a) => a.package.name === query.name)
        .flatMap((a) => (a.ranges ?? []).flatMap((g) => g.events.map((e) => e['fixed']).filter((x): x is string => x !== undefined)));
      expect([...f.fixedVersions].sort()).toEqual([...new Set(fixes)].sort());
    },
  );

  it('lodash 4.17.15: GHSA-p6mc-m468-83gw / CVE-2020-8203 is fixed in 4.17.20 by the record range', () => {
    const f = debianAppReport.findings.find((x) => x.id === 'CVE-2020-8203')!;
    expect(f.package).toMatchObject({ name: 'lodash', version: '4.17.15' });
    expect(f.fixedVersions).toEqual(['4.17.20']);
    expect(f.cvss[0]).toMatchObject({ vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H', score: 7.4 });
  });

  it('the KEV entry of CVE-2021-44228 is the catalog entry', () => {
    const kev = JSON.parse(readFileSync(vulndata('kev', 'known_exploited_vulnerabilities.json'), 'utf8')) as {
      vulnerabilities: { cveID: string; vendorProject: string; product: string; vulnerabilityName: string; dateAdded: string; dueDate: string; requiredAction: string; knownRansomwareCampaignUse: string }[];
    };
    const entry = kev.vulnerabilities.find((v) => v.cveID === 'CVE-2021-44228')!;
    expect(debianAppReport.findings[0]?.kev).toEqual({
      cve: entry.cveID,
      vendorProject: entry.vendorProject,
      product: entry.product,
      name: entry.vulnerabilityName,
      dateAdded: entry.dateAdded,
      dueDate: entry.dueDate,
      requiredAction: entry.requiredAction,
      knownRansomwareCampaignUse: entry.knownRansomwareCampaignUse === 'Known',
    });
  });

  it('DSA-5218-1 fixes CVE-2022-37434 in zlib 1:1.2.11.dfsg-2+deb11u2 for bullseye', () => {
    const list = readFileSync(vulndata('debian', 'security-tracker', 'DSA.list'), 'utf8');
    expect(list).toMatch(/DSA-5218-1 zlib - security update\n\t\{CVE-2022-37434\}\n\t\[bullseye\] - zlib 1:1\.2\.11\.dfsg-2\+deb11u2\n/);
    const f = debianAppReport.findings.find((x) => x.id === 'CVE-2022-37434')!;
    expect(f.fixedVersions).toEqual(['1:1.2.11.dfsg-2+deb11u2']);
    expect(f.package.source?.name).toBe('zlib');
  });

  it('Debian 11 reached end of life on 2024-08-14', () => {
    const md = readFileSync(vulndata('eol', 'endoflife-date', 'products', 'debian.md'), 'utf8');
    expect(md).toMatch(/releaseCycle: "11"\n(?:\s+\w+: .*\n)*?\s+eol: 2024-08-14\n/);
    expect(debianAppReport.distroEol).toEqual({ product: 'debian', cycle: '11', eol: '2024-08-14', ended: true });
  });
});
