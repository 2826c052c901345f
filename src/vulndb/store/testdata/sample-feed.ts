/** Hand-made feed items for store tests: a few advisories in several ecosystems, KEV, EPSS and EOL records. */
import type { Advisory, AffectedPackage, FeedItem } from '../../advisory.js';

export function affectedPackage(ecosystem: string, name: string, fixed: string): AffectedPackage {
  return {
    ecosystem,
    name,
    status: 'affected',
    ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
    versions: [],
  };
}

export function advisory(feed: string, id: string, affected: AffectedPackage[], extra: Partial<Advisory> = {}): Advisory {
  return { id, aliases: [], related: [], feed, kind: 'vulnerability', severity: [], references: [], cwes: [], affected, ...extra };
}

/** A small OSV-like feed: PyPI Flask, npm lodash (two advisories), Debian openssl. */
export function sampleAdvisories(feed: string): FeedItem[] {
  return [
    { type: 'advisory', advisory: advisory(feed, 'PYSEC-2023-62', [affectedPackage('PyPI', 'Flask', '2.2.5')], { aliases: ['CVE-2023-30861'], summary: 'cookie' }) },
    { type: 'advisory', advisory: advisory(feed, 'GHSA-p6mc-m468-83gw', [affectedPackage('npm', 'lodash', '4.17.19'), affectedPackage('npm', 'lodash-es', '4.17.19')]) },
    { type: 'advisory', advisory: advisory(feed, 'GHSA-35jh-r3h4-6jhm', [affectedPackage('npm', 'lodash', '4.17.21')]) },
    { type: 'advisory', advisory: advisory(feed, 'DSA-5417-1', [affectedPackage('Debian:12', 'openssl', '3.0.9-1')]) },
    { type: 'skipped', where: 'bad.json', reason: 'not JSON' },
  ];
}

export function sampleEnrichment(): FeedItem[] {
  return [
    { type: 'kev', entry: { cve: 'CVE-2021-44228', vendorProject: 'Apache', product: 'Log4j2', dateAdded: '2021-12-10', knownRansomwareCampaignUse: true } },
    { type: 'epss', score: { cve: 'CVE-2021-44228', score: 0.97, percentile: 0.9999, date: '2024-10-25' } },
    { type: 'eol', cycle: { product: 'debian', cycle: '12', codename: 'Bookworm', eol: '2026-06-10' } },
    { type: 'eol', cycle: { product: 'debian', cycle: '11', codename: 'Bullseye', eol: '2024-08-14' } },
    { type: 'eol', cycle: { product: 'debian', cycle: '9', eol: true } },
  ];
}

export async function* itemsOf(items: FeedItem[], failAfter?: number): AsyncIterable<FeedItem> {
  let n = 0;
  for (const item of items) {
    if (failAfter !== undefined && n++ >= failAfter) throw new Error('truncated: unexpected end of data');
    yield item;
  }
}
