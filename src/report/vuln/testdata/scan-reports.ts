import { createHash } from 'node:crypto';
import cvss from 'ae-cvss-calculator';
import type { CvssScore, Finding, FindingPackage, ScanReport } from '../../../core/finding.js';
import type { Inventory, LayerRef, Package } from '../../../core/model.js';

/**
 * Scan reports built by hand for the report goldens; each is written to `<case>/scan-report.json` beside what the
 * encoders make of it.
 *
 * `debian-app` is a Debian 11 image with a Java and a Node application. Advisory facts are real, from
 * `../shared/vulndata` (a test checks them against the records): GHSA-p6mc-m468-83gw / CVE-2020-8203 (lodash,
 * fixed 4.17.20 per the record's range), GHSA-35jh-r3h4-6jhm, GHSA-jfh8-c2jp-5v3q / CVE-2021-44228 with its CISA
 * KEV entry, GHSA-7rjr-3q55-vv33, GHSA-2qrg-x229-3v8q (log4j 1.x, no fix), GHSA-599f-7c49-w659 (commons-text),
 * DSA-5218-1 (zlib, bullseye fix 1:1.2.11.dfsg-2+deb11u2), and Debian 11's end of life (2024-08-14, endoflife.date).
 * Illustrative, not from the shared data: the Debian urgency of CVE-2022-37434 and CVE-2011-3374's rating, the
 * EPSS scores (the shared EPSS excerpt has none of these CVEs), and feed counts.
 */

function digest(label: string): string {
  return `sha256:${createHash('sha256').update(label).digest('hex')}`;
}

function layer(index: number, createdBy: string): LayerRef {
  return { index, diffId: digest(`app-diff-${index}`), digest: digest(`app-blob-${index}`), size: 10_000 + index, createdBy };
}

function score(vector: string): CvssScore {
  const base = new cvss.Cvss3P1(vector).calculateScores().base;
  if (base === undefined) throw new Error(`fixture: no base score for ${vector}`);
  return { version: '3.1', vector, score: base, source: 'ghsa' };
}

const LAYERS: LayerRef[] = [
  layer(0, '/bin/sh -c #(nop) ADD file:6b2c9f5d3c1e8a0b7f4d2e1c9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b in / '),
  layer(1, 'RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless nodejs && rm -rf /var/lib/apt/lists/* # buildkit'),
  layer(2, 'COPY target/lib/ /app/lib/ # buildkit'),
  layer(3, 'RUN /bin/sh -c cd /app && npm ci --omit=dev # buildkit'),
];

const DPKG = 'var/lib/dpkg/status';

function pkg(p: Omit<Package, 'files' | 'locations' | 'licenses' | 'foundBy'> & { path: string; layer: number; foundBy: string }): Package {
  const { path, layer: index, ...rest } = p;
  return { licenses: [], files: [], locations: [{ path, layer: index }], ...rest };
}

const packages: Package[] = [
  pkg({ id: 'deb-0a1b2c3d4e5f6071', ecosystem: 'deb', name: 'apt', version: '2.2.4', arch: 'amd64', purl: 'pkg:deb/debian/apt@2.2.4?arch=amd64&distro=debian-11', foundBy: 'os/dpkg@1', path: DPKG, layer: 0 }),
  pkg({ id: 'deb-1b2c3d4e5f607182', ecosystem: 'deb', name: 'bash', version: '5.1-2+deb11u1', arch: 'amd64', purl: 'pkg:deb/debian/bash@5.1-2%2Bdeb11u1?arch=amd64&distro=debian-11', foundBy: 'os/dpkg@1', path: DPKG, layer: 0 }),
  pkg({
    id: 'deb-2c3d4e5f60718293',
    ecosystem: 'deb',
    name: 'libc6',
    version: '2.31-13+deb11u11',
    arch: 'amd64',
    purl: 'pkg:deb/debian/libc6@2.31-13%2Bdeb11u11?arch=amd64&distro=debian-11&upstream=glibc',
    source: { name: 'glibc' },
    foundBy: 'os/dpkg@1',
    path: DPKG,
    layer: 0,
  }),
  pkg({
    id: 'deb-3d4e5f60718293a4',
    ecosystem: 'deb',
    name: 'zlib1g',
    version: '1:1.2.11.dfsg-2+deb11u1',
    arch: 'amd64',
    purl: 'pkg:deb/debian/zlib1g@1:1.2.11.dfsg-2%2Bdeb11u1?arch=amd64&distro=debian-11&upstream=zlib',
    source: { name: 'zlib' },
    foundBy: 'os/dpkg@1',
    path: DPKG,
    layer: 0,
  }),
  pkg({ id: 'deb-4e5f60718293a4b5', ecosystem: 'deb', name: 'nodejs', version: '12.22.12~dfsg-1~deb11u4', arch: 'amd64', purl: 'pkg:deb/debian/nodejs@12.22.12~dfsg-1~deb11u4?arch=amd64&distro=debian-11', foundBy: 'os/dpkg@1', path: DPKG, layer: 1 }),
  pkg({ id: 'mvn-5f60718293a4b5c6', ecosystem: 'maven', name: 'log4j-core', version: '2.14.1', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', foundBy: 'java/archive@1', path: 'app/lib/log4j-core-2.14.1.jar', layer: 2 }),
  pkg({ id: 'mvn-60718293a4b5c6d7', ecosystem: 'maven', name: 'log4j', version: '1.2.17', purl: 'pkg:maven/log4j/log4j@1.2.17', foundBy: 'java/archive@1', path: 'app/lib/log4j-1.2.17.jar', layer: 2 }),
  pkg({
    id: 'mvn-718293a4b5c6d7e8',
    ecosystem: 'maven',
    name: 'commons-text',
    version: '${commons-text.version}',
    purl: 'pkg:maven/org.apache.commons/commons-text@%24%7Bcommons-text.version%7D',
    foundBy: 'java/archive@1',
    path: 'app/lib/commons-text.jar',
    layer: 2,
  }),
  pkg({ id: 'npm-8293a4b5c6d7e8f9', ecosystem: 'npm', name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15', foundBy: 'javascript/package-json@1', path: 'app/node_modules/lodash/package.json', layer: 3 }),
  pkg({ id: 'npm-93a4b5c6d7e8f90a', ecosystem: 'npm', name: 'ms', version: '2.1.2', purl: 'pkg:npm/ms@2.1.2', foundBy: 'javascript/package-json@1', path: 'app/node_modules/ms/package.json', layer: 3 }),
];

const inventory: Inventory = {
  image: {
    reference: 'registry.example/shop/api:1.4.2',
    transport: 'registry',
    tags: ['registry.example/shop/api:1.4.2'],
    manifestDigest: digest('api-manifest'),
    configDigest: digest('api-config'),
    os: 'linux',
    architecture: 'amd64',
    created: '2024-10-30T14:03:11.52Z',
    layers: LAYERS,
    labels: { 'org.opencontainers.image.source': 'https://git.example/shop/api' },
  },
  distro: {
    id: 'debian',
    versionId: '11',
    version: '11 (bullseye)',
    codename: 'bullseye',
    name: 'Debian GNU/Linux',
    prettyName: 'Debian GNU/Linux 11 (bullseye)',
    source: 'etc/os-release',
  },
  packages,
  files: [],
  relationships: [],
  issues: [],
  extractors: ['java/archive@1', 'javascript/package-json@1', 'os/dpkg@1'],
};

function findingPackage(id: string): FindingPackage {
  const p = packages.find((x) => x.id === id);
  if (!p) throw new Error(`fixture: no package ${id}`);
  const loc = p.locations[0]!;
  const l = LAYERS[loc.layer]!;
  return {
    id: p.id,
    name: p.name,
    version: p.version,
    ecosystem: p.ecosystem,
    purl: p.purl,
    ...(p.source ? { source: p.source } : {}),
    path: loc.path,
    layer: loc.layer,
    layerDiffId: l.diffId,
    ...(l.createdBy ? { layerCreatedBy: l.createdBy } : {}),
  };
}

const LOG4J_CORE = 'mvn-5f60718293a4b5c6';
const LODASH = 'npm-8293a4b5c6d7e8f9';

/** In risk order (KEV first, then severity, then EPSS), as matching hands them over. */
const findings: Finding[] = [
  {
    id: 'CVE-2021-44228',
    aliases: ['GHSA-jfh8-c2jp-5v3q'],
    kind: 'vulnerability',
    summary: 'Remote code injection in Log4j',
    severity: 'critical',
    severitySource: 'CVSS_V3 10.0 (ghsa)',
    cvss: [score('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H')],
    kev: {
      cve: 'CVE-2021-44228',
      vendorProject: 'Apache',
      product: 'Log4j2',
      name: 'Apache Log4j2 Remote Code Execution Vulnerability',
      dateAdded: '2021-12-10',
      dueDate: '2021-12-24',
      requiredAction:
        'For all affected software assets for which updates exist, the only acceptable remediation actions are: 1) Apply updates; OR 2) remove affected assets from agency networks. Temporary mitigations using one of the measures provided at https://www.cisa.gov/uscert/ed-22-02-apache-log4j-recommended-mitigation-measures are only acceptable until updates are available.',
      knownRansomwareCampaignUse: true,
    },
    epss: { cve: 'CVE-2021-44228', score: 0.97565, percentile: 0.99995, date: '2024-10-25' },
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2021-44228', 'https://github.com/apache/logging-log4j2/pull/608', 'https://github.com/advisories/GHSA-jfh8-c2jp-5v3q'],
    cwes: ['CWE-20', 'CWE-400', 'CWE-502', 'CWE-917'],
    published: '2021-12-10T00:40:56Z',
    package: findingPackage(LOG4J_CORE),
    state: 'fixed',
    fixedVersions: ['2.3.1', '2.12.2', '2.15.0'],
    evidence: [
      {
        feed: 'osv-maven',
        advisory: 'GHSA-jfh8-c2jp-5v3q',
        query: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1' },
        matched: 'introduced 2.13.0, fixed 2.15.0',
        status: 'affected',
        fixed: ['2.15.0'],
      },
    ],
  },
  {
    id: 'CVE-2021-45046',
    aliases: ['GHSA-7rjr-3q55-vv33'],
    kind: 'vulnerability',
    summary: 'Incomplete fix for Apache Log4j vulnerability',
    severity: 'critical',
    severitySource: 'CVSS_V3 9.0 (ghsa)',
    cvss: [score('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H')],
    epss: { cve: 'CVE-2021-45046', score: 0.97322, percentile: 0.99893, date: '2024-10-25' },
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2021-45046', 'https://logging.apache.org/log4j/2.x/security.html'],
    cwes: ['CWE-502'],
    published: '2021-12-14T18:01:28Z',
    package: findingPackage(LOG4J_CORE),
    state: 'fixed',
    fixedVersions: ['2.12.2', '2.16.0'],
    evidence: [
      {
        feed: 'osv-maven',
        advisory: 'GHSA-7rjr-3q55-vv33',
        query: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1' },
        matched: 'introduced 2.13.0, fixed 2.16.0',
        status: 'affected',
        fixed: ['2.16.0'],
      },
    ],
  },
  {
    id: 'CVE-2019-17571',
    aliases: ['GHSA-2qrg-x229-3v8q'],
    kind: 'vulnerability',
    summary: 'Deserialization of Untrusted Data in Log4j',
    severity: 'critical',
    severitySource: 'CVSS_V3 9.8 (ghsa)',
    cvss: [score('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')],
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2019-17571'],
    cwes: ['CWE-502'],
    published: '2020-01-06T18:43:49Z',
    package: findingPackage('mvn-60718293a4b5c6d7'),
    state: 'unfixed',
    fixedVersions: [],
    evidence: [
      {
        feed: 'osv-maven',
        advisory: 'GHSA-2qrg-x229-3v8q',
        query: { ecosystem: 'Maven', name: 'log4j:log4j', version: '1.2.17' },
        matched: 'introduced 1.2, last_affected 1.2.17',
        status: 'affected',
        fixed: [],
      },
    ],
  },
  {
    id: 'CVE-2020-8203',
    aliases: ['GHSA-p6mc-m468-83gw'],
    kind: 'vulnerability',
    summary: 'Prototype Pollution in lodash',
    severity: 'high',
    severitySource: 'CVSS_V3 7.4 (ghsa)',
    cvss: [score('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H')],
    epss: { cve: 'CVE-2020-8203', score: 0.01655, percentile: 0.82254, date: '2024-10-25' },
    references: [
      'https://nvd.nist.gov/vuln/detail/CVE-2020-8203',
      'https://github.com/lodash/lodash/issues/4744',
      'https://github.com/lodash/lodash/commit/c84fe82760fb2d3e03a63379b297a1cc1a2fce12',
      'https://hackerone.com/reports/712065',
    ],
    cwes: ['CWE-1321', 'CWE-770'],
    published: '2020-07-15T19:15:48Z',
    package: findingPackage(LODASH),
    state: 'fixed',
    fixedVersions: ['4.17.20'],
    evidence: [
      {
        feed: 'osv-npm',
        advisory: 'GHSA-p6mc-m468-83gw',
        query: { ecosystem: 'npm', name: 'lodash', version: '4.17.15' },
        matched: 'introduced 0, fixed 4.17.20',
        status: 'affected',
        fixed: ['4.17.20'],
      },
    ],
  },
  {
    id: 'CVE-2022-37434',
    aliases: ['DSA-5218-1'],
    kind: 'vulnerability',
    summary: 'zlib through 1.2.12 has a heap-based buffer over-read or buffer overflow in inflate in inflate.c via a large gzip header extra field.',
    severity: 'medium',
    severitySource: 'debian-tracker: medium',
    cvss: [],
    references: ['https://security-tracker.debian.org/tracker/CVE-2022-37434', 'https://www.debian.org/security/2022/dsa-5218'],
    cwes: [],
    package: findingPackage('deb-3d4e5f60718293a4'),
    state: 'fixed',
    fixedVersions: ['1:1.2.11.dfsg-2+deb11u2'],
    evidence: [
      {
        feed: 'debian-tracker',
        advisory: 'CVE-2022-37434',
        query: { ecosystem: 'Debian:11', name: 'zlib', version: '1:1.2.11.dfsg-2+deb11u1' },
        matched: 'bullseye fixed 1:1.2.11.dfsg-2+deb11u2 (DSA-5218-1)',
        status: 'affected',
        fixed: ['1:1.2.11.dfsg-2+deb11u2'],
      },
    ],
  },
  {
    id: 'CVE-2021-23337',
    aliases: ['GHSA-35jh-r3h4-6jhm'],
    kind: 'vulnerability',
    summary: 'Command Injection in lodash',
    severity: 'high',
    severitySource: 'CVSS_V3 7.2 (ghsa)',
    cvss: [score('CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H')],
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2021-23337', 'https://github.com/lodash/lodash/commit/3469357cff396a26c363f8c1b5a91dde28ba4b1c'],
    cwes: ['CWE-77', 'CWE-94'],
    published: '2021-05-06T16:05:51Z',
    package: findingPackage(LODASH),
    state: 'fixed',
    fixedVersions: ['4.17.21'],
    evidence: [
      {
        feed: 'osv-npm',
        advisory: 'GHSA-35jh-r3h4-6jhm',
        query: { ecosystem: 'npm', name: 'lodash', version: '4.17.15' },
        matched: 'introduced 0, fixed 4.17.21',
        status: 'affected',
        fixed: ['4.17.21'],
      },
    ],
    suppression: {
      by: 'vex',
      source: 'vex/api.openvex.json',
      vexStatus: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      reason: 'the service never calls _.template',
    },
  },
  {
    id: 'CVE-2011-3374',
    aliases: [],
    kind: 'vulnerability',
    summary:
      'It was found that apt-key in apt, all versions, do not correctly validate gpg keys with the master keyring, leading to a potential man-in-the-middle attack.',
    severity: 'negligible',
    severitySource: 'debian-tracker: unimportant',
    cvss: [],
    references: ['https://security-tracker.debian.org/tracker/CVE-2011-3374'],
    cwes: ['CWE-347'],
    package: findingPackage('deb-0a1b2c3d4e5f6071'),
    state: 'unimportant',
    fixedVersions: [],
    evidence: [
      {
        feed: 'debian-tracker',
        advisory: 'CVE-2011-3374',
        query: { ecosystem: 'Debian:11', name: 'apt', version: '2.2.4' },
        matched: 'bullseye unimportant',
        status: 'unimportant',
        fixed: [],
      },
    ],
    suppression: { by: 'ignore-file', source: '.groutignore.yaml', reason: 'apt-key is never run in the container', expires: '2025-06-30' },
  },
  {
    id: 'CVE-2022-42889',
    aliases: ['GHSA-599f-7c49-w659'],
    kind: 'vulnerability',
    summary: 'Arbitrary code execution in Apache Commons Text',
    severity: 'critical',
    severitySource: 'CVSS_V3 9.8 (ghsa)',
    cvss: [score('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')],
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2022-42889'],
    cwes: ['CWE-94'],
    published: '2022-10-13T19:00:17Z',
    package: findingPackage('mvn-718293a4b5c6d7e8'),
    state: 'unknown',
    fixedVersions: ['1.10.0'],
    evidence: [
      {
        feed: 'osv-maven',
        advisory: 'GHSA-599f-7c49-w659',
        query: { ecosystem: 'Maven', name: 'org.apache.commons:commons-text', version: '${commons-text.version}' },
        matched: 'introduced 1.5, fixed 1.10.0',
        status: 'affected',
        fixed: ['1.10.0'],
        unknownReason: 'installed version "${commons-text.version}" is not a Maven version (an unresolved property in the jar\'s pom.properties)',
      },
    ],
  },
];

export const debianAppReport: ScanReport = {
  inventory,
  image: inventory.image,
  ...(inventory.distro ? { distro: inventory.distro } : {}),
  findings,
  expiredIgnores: [{ id: 'CVE-2022-37434', expires: '2024-09-30', reason: 'waiting for the base image rebuild', source: '.groutignore.yaml' }],
  database: {
    path: '/home/ci/.cache/grout/vulnerability.db',
    builtAt: '2024-10-25T06:00:00Z',
    feeds: [
      { name: 'debian-tracker', updatedAt: '2024-10-25T05:41:07Z', advisories: 46210 },
      { name: 'epss', updatedAt: '2024-10-25T05:43:55Z', advisories: 255000 },
      { name: 'kev', updatedAt: '2024-10-25T05:44:02Z', advisories: 1245 },
      { name: 'osv-maven', updatedAt: '2024-10-25T05:52:30Z', advisories: 5104 },
      { name: 'osv-npm', updatedAt: '2024-10-25T05:55:12Z', advisories: 3811 },
    ],
    stale: true,
  },
  distroEol: { product: 'debian', cycle: '11', eol: '2024-08-14', ended: true },
  scannedAt: '2024-11-04T09:30:00.000Z',
};

const alpineInventory: Inventory = {
  image: {
    reference: 'docker-archive:build/base.tar',
    transport: 'docker-archive',
    tags: ['alpine:3.20'],
    configDigest: digest('alpine-config'),
    os: 'linux',
    architecture: 'arm64',
    layers: [{ index: 0, diffId: digest('alpine-diff-0'), createdBy: '/bin/sh -c #(nop) ADD file:alpine-minirootfs in / ' }],
    labels: {},
  },
  distro: { id: 'alpine', versionId: '3.20.3', name: 'Alpine Linux', prettyName: 'Alpine Linux v3.20', source: 'etc/os-release' },
  packages: [
    pkg({ id: 'apk-a1', ecosystem: 'apk', name: 'busybox', version: '1.36.1-r29', arch: 'aarch64', purl: 'pkg:apk/alpine/busybox@1.36.1-r29?arch=aarch64&distro=alpine-3.20.3', foundBy: 'os/apk@1', path: 'lib/apk/db/installed', layer: 0 }),
    pkg({ id: 'apk-a2', ecosystem: 'apk', name: 'musl', version: '1.2.5-r0', arch: 'aarch64', purl: 'pkg:apk/alpine/musl@1.2.5-r0?arch=aarch64&distro=alpine-3.20.3', foundBy: 'os/apk@1', path: 'lib/apk/db/installed', layer: 0 }),
  ],
  files: [],
  relationships: [],
  issues: [],
  extractors: ['os/apk@1'],
};

/** Nothing found: a clean Alpine image from a docker archive (no manifest digest, so OpenVEX names it by reference). */
export const emptyReport: ScanReport = {
  inventory: alpineInventory,
  image: alpineInventory.image,
  ...(alpineInventory.distro ? { distro: alpineInventory.distro } : {}),
  findings: [],
  expiredIgnores: [],
  database: { path: '/var/cache/grout/vulnerability.db', builtAt: '2024-11-04T06:00:00Z', feeds: [{ name: 'alpine-secdb', updatedAt: '2024-11-04T05:40:00Z', advisories: 4105 }], stale: false },
  scannedAt: '2024-11-04T09:31:00Z',
};

export const reportCases: Record<string, ScanReport> = { 'debian-app': debianAppReport, empty: emptyReport };
