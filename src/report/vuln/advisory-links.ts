/**
 * Who publishes a vulnerability id, and where a reader finds it. Used for SARIF `helpUri`, markdown links and the
 * CycloneDX `source`/`references`. The id prefix decides; anything unrecognised points at OSV, which indexes
 * every OSV-format database (https://ossf.github.io/osv-schema/#id-modified-fields lists the prefixes).
 */
export interface AdvisorySource {
  name: string;
  url: string;
}

interface Publisher {
  test: RegExp;
  name: string;
  url: (id: string) => string;
}

const PUBLISHERS: readonly Publisher[] = [
  { test: /^CVE-\d{4}-\d+$/, name: 'NVD', url: (id) => `https://nvd.nist.gov/vuln/detail/${id}` },
  { test: /^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/, name: 'GitHub Advisory Database', url: (id) => `https://github.com/advisories/${id}` },
  { test: /^(DSA|DLA|DTSA)-\d+(-\d+)?$/, name: 'Debian Security Tracker', url: (id) => `https://security-tracker.debian.org/tracker/${id}` },
  { test: /^USN-\d+-\d+$/, name: 'Ubuntu Security Notices', url: (id) => `https://ubuntu.com/security/notices/${id}` },
  { test: /^RUSTSEC-\d{4}-\d+$/, name: 'RustSec', url: (id) => `https://rustsec.org/advisories/${id}.html` },
  { test: /^GO-\d{4}-\d+$/, name: 'Go Vulnerability Database', url: (id) => `https://pkg.go.dev/vuln/${id}` },
];

/** The publisher of an id and the page about it, e.g. `CVE-2021-44228` → NVD. */
export function advisorySource(id: string): AdvisorySource {
  for (const p of PUBLISHERS) {
    if (p.test.test(id)) return { name: p.name, url: p.url(id) };
  }
  return { name: 'OSV', url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}` };
}
