import { describe, expect, it } from 'vitest';
import type { Inventory, Package } from '../core/model.js';
import { encodeCycloneDx, encodeSpdx } from './index.js';
import { alpineInventory, debianInventory, edgeCasesInventory, goldenCases, rockyInventory } from './testdata/inventories.js';
import { cycloneDxValidator, describeErrors, spdxValidator } from './testdata/schemas.js';

/** Properties every document must have, checked on the golden inventories and on generated hostile ones. */

interface CdxComponent {
  'bom-ref': string;
  name: string;
  purl?: string;
  version?: string;
  licenses?: unknown[];
  properties?: { name: string; value: string }[];
}
interface CdxBom {
  serialNumber: string;
  metadata: { timestamp: string; tools: { components: { name: string; version: string }[] }; component: CdxComponent };
  components: CdxComponent[];
  dependencies: { ref: string; dependsOn: string[] }[];
}
interface SpdxPkg {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  licenseDeclared: string;
  externalRefs?: { referenceLocator: string }[];
}
interface SpdxDoc {
  documentNamespace: string;
  creationInfo: { creators: string[]; created: string };
  packages: SpdxPkg[];
  hasExtractedLicensingInfos?: { licenseId: string }[];
  relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
}

const cdx = (inv: Inventory): CdxBom => JSON.parse(encodeCycloneDx(inv)) as CdxBom;
const spdx = (inv: Inventory): SpdxDoc => JSON.parse(encodeSpdx(inv)) as SpdxDoc;

/** The same inventory with every list in another order. */
function shuffled(inv: Inventory): Inventory {
  const copy = structuredClone(inv);
  copy.packages.reverse();
  for (const p of copy.packages) {
    p.licenses.reverse();
    p.locations.reverse();
  }
  copy.relationships.reverse();
  return copy;
}

function checkCycloneDx(inv: Inventory): void {
  const text = encodeCycloneDx(inv);
  const validate = cycloneDxValidator();
  expect(validate(JSON.parse(text)), describeErrors(validate.errors)).toBe(true);
  const bom = JSON.parse(text) as CdxBom;
  const refs = bom.components.map((c) => c['bom-ref']);
  expect(new Set([...refs, bom.metadata.component['bom-ref']]).size).toBe(refs.length + 1);
  expect(bom.dependencies.map((d) => d.ref)).toEqual([...refs].sort());
  for (const d of bom.dependencies) {
    expect(d.dependsOn).toEqual([...d.dependsOn].sort());
    for (const to of d.dependsOn) expect(refs).toContain(to);
  }
}

function checkSpdx(inv: Inventory): void {
  const text = encodeSpdx(inv);
  const validate = spdxValidator();
  if (validate !== undefined) expect(validate(JSON.parse(text)), describeErrors(validate.errors)).toBe(true);
  const doc = JSON.parse(text) as SpdxDoc;
  const ids = doc.packages.map((p) => p.SPDXID);
  for (const id of ids) expect(id).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
  expect(new Set(ids).size).toBe(ids.length);
  for (const r of doc.relationships) {
    expect([...ids, 'SPDXRef-DOCUMENT']).toContain(r.spdxElementId);
    expect(ids).toContain(r.relatedSpdxElement);
  }
  const declared = new Set((doc.hasExtractedLicensingInfos ?? []).map((e) => e.licenseId));
  for (const p of doc.packages) {
    for (const ref of p.licenseDeclared.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) expect(declared).toContain(ref);
  }
  expect(doc.relationships.filter((r) => r.relationshipType === 'DESCRIBES')).toHaveLength(1);
}

describe.each(Object.entries(goldenCases))('%s', (_name, inv) => {
  it('gives byte-identical output for the same inventory, in any input order', () => {
    expect(encodeCycloneDx(inv)).toBe(encodeCycloneDx(inv));
    expect(encodeSpdx(inv)).toBe(encodeSpdx(inv));
    expect(encodeCycloneDx(shuffled(inv))).toBe(encodeCycloneDx(inv));
    expect(encodeSpdx(shuffled(inv))).toBe(encodeSpdx(inv));
  });

  it('does not modify the inventory', () => {
    const before = structuredClone(inv);
    encodeCycloneDx(inv);
    encodeSpdx(inv);
    expect(inv).toEqual(before);
  });

  it('keeps package purls verbatim', () => {
    const byId = new Map(inv.packages.map((p) => [p.id, p]));
    for (const c of cdx(inv).components) {
      const pkg = byId.get(c['bom-ref']);
      if (pkg) expect(c.purl).toBe(pkg.purl || undefined);
    }
    const locators = spdx(inv).packages.flatMap((p) => (p.externalRefs ?? []).map((r) => r.referenceLocator));
    for (const p of inv.packages) if (p.purl) expect(locators).toContain(p.purl);
  });

  it('is structurally sound', () => {
    checkCycloneDx(inv);
    checkSpdx(inv);
  });
});

describe('document identity', () => {
  it('derives serial number and namespace from the image, not the run', () => {
    const a = cdx(debianInventory);
    const b = cdx({ ...debianInventory, packages: [] });
    expect(a.serialNumber).toBe(b.serialNumber);
    expect(a.serialNumber).not.toBe(cdx(alpineInventory).serialNumber);
    expect(spdx(debianInventory).documentNamespace).toBe(spdx({ ...debianInventory, packages: [] }).documentNamespace);
    expect(spdx(debianInventory).documentNamespace).not.toBe(spdx(rockyInventory).documentNamespace);
    expect(spdx(debianInventory).documentNamespace).toMatch(/^https:\/\/spdx\.org\/spdxdocs\/grout\/[A-Za-z0-9.-]+-[0-9a-f-]{36}$/);
  });

  it('stamps documents with the image creation time, else the epoch', () => {
    expect(cdx(debianInventory).metadata.timestamp).toBe('2024-06-10T21:42:07Z');
    expect(spdx(debianInventory).creationInfo.created).toBe('2024-06-10T21:42:07Z');
    expect(cdx(edgeCasesInventory).metadata.timestamp).toBe('1970-01-01T00:00:00Z');
    const { created: _unused, ...withoutCreated } = rockyInventory.image;
    expect(spdx({ ...rockyInventory, image: withoutCreated }).creationInfo.created).toBe('1970-01-01T00:00:00Z');
  });

  it('names the tool and its version', () => {
    expect(cdx(debianInventory).metadata.tools.components).toEqual([{ type: 'application', name: 'grout', version: 'unknown' }]);
    expect(JSON.parse(encodeCycloneDx(debianInventory, { toolVersion: '1.2.3' })).metadata.tools.components[0].version).toBe('1.2.3');
    expect(JSON.parse(encodeSpdx(debianInventory, { toolVersion: '1.2.3' })).creationInfo.creators).toEqual(['Tool: grout-1.2.3']);
  });

  it('ends with a newline and indents by two spaces', () => {
    for (const text of [encodeCycloneDx(debianInventory), encodeSpdx(debianInventory)]) {
      expect(text.endsWith('}\n')).toBe(true);
      expect(text.split('\n')[1]).toMatch(/^ {2}"/);
    }
  });
});

describe('package details', () => {
  it('writes layer, evidence, source and metadata facts as grout: properties', () => {
    const login = cdx(debianInventory).components.find((c) => c.name === 'login');
    const props = Object.fromEntries((login?.properties ?? []).map((p) => [p.name, p.value]));
    expect(props).toMatchObject({
      'grout:package:arch': 'amd64',
      'grout:package:foundBy': 'os/dpkg@1',
      'grout:package:evidence': 'var/lib/dpkg/status',
      'grout:source:name': 'shadow',
      'grout:source:version': '1:4.13+dfsg1-1',
      'grout:layer:index': '0',
      'grout:layer:diffId': debianInventory.image.layers[0]?.diffId,
      'grout:layer:createdBy': debianInventory.image.layers[0]?.createdBy,
      'grout:dpkg:maintainer': 'Shadow package maintainers <pkg-shadow-devel@lists.alioth.debian.org>',
    });
    const openssl = cdx(rockyInventory).components.find((c) => c.name === 'openssl-libs');
    expect(openssl?.version).toBe('1:3.0.7-24.el9');
    expect(openssl?.properties).toEqual(
      expect.arrayContaining([
        { name: 'grout:rpm:epoch', value: '1' },
        { name: 'grout:rpm:release', value: '24.el9' },
        { name: 'grout:rpm:vendor', value: 'Rocky Enterprise Software Foundation' },
      ]),
    );
    const ssl = cdx(alpineInventory).components.find((c) => c.name === 'ssl_client');
    expect(ssl?.properties).toEqual(expect.arrayContaining([{ name: 'grout:apk:origin', value: 'busybox' }]));
  });

  it('omits the version of a package without one', () => {
    expect(cdx(edgeCasesInventory).components.find((c) => c.name === 'mystery')).not.toHaveProperty('version');
    expect(spdx(edgeCasesInventory).packages.find((p) => p.name === 'mystery')).not.toHaveProperty('versionInfo');
  });

  it('keeps one package per id', () => {
    expect(cdx(edgeCasesInventory).components.filter((c) => c['bom-ref'] === 'pypi-custom-licence')).toHaveLength(1);
  });

  it('lists depends-on edges between packages only', () => {
    const deps = cdx(edgeCasesInventory).dependencies.find((d) => d.ref === 'pypi-custom-licence');
    expect(deps?.dependsOn).toEqual([edgeCasesInventory.packages[0]?.id]);
    const dependsOn = spdx(debianInventory).relationships.filter((r) => r.relationshipType === 'DEPENDS_ON');
    expect(dependsOn).toHaveLength(4);
  });
});

/** A small deterministic PRNG (mulberry32), so the generated inventories are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['a', 'Z', '0', '-', '.', ' ', '(', ')', '+', ':', '/', '@', '%', '"', '\\', '\n', '\t', 'ü', '日', '\u0000', '😀', 'AND', 'OR', 'WITH', 'MIT', 'LicenseRef-'];

function hostileInventory(seed: number, count: number): Inventory {
  const rand = prng(seed);
  const text = (max: number): string => {
    let s = '';
    const n = Math.floor(rand() * max);
    for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)] ?? '';
    return s;
  };
  const packages: Package[] = [];
  for (let i = 0; i < count; i++) {
    packages.push({
      id: `${text(6)}#${i}`,
      ecosystem: 'npm',
      name: text(12) || `p${i}`,
      version: text(8),
      purl: text(20),
      licenses: [text(10), text(10)],
      foundBy: text(8),
      locations: [{ path: text(15), layer: Math.floor(rand() * 4) }],
      files: [],
      metadata: { kind: 'dpkg', maintainer: `${text(6)} <${text(6)}>` },
    });
  }
  return {
    image: {
      reference: text(20),
      transport: 'registry',
      tags: [text(20)],
      manifestDigest: `sha256:${'0'.repeat(64)}`,
      created: text(25),
      layers: [0, 1, 2].map((index) => ({ index, diffId: `sha256:${String(index).repeat(64)}`, createdBy: text(30) })),
      labels: { [text(8)]: text(8) },
    },
    distro: { id: text(8) || 'x', source: text(10) },
    packages,
    files: [],
    relationships: packages.slice(1).map((p, i) => ({ from: p.id, to: packages[i]?.id ?? '', type: 'depends-on' as const })),
    issues: [],
    extractors: [],
  };
}

describe('hostile inventories', () => {
  it.each([1, 2, 3, 4, 5])('seed %i: documents stay valid and sound', (seed) => {
    const inv = hostileInventory(seed, 200);
    checkCycloneDx(inv);
    checkSpdx(inv);
    expect(encodeSpdx(shuffled(inv))).toBe(encodeSpdx(inv));
  });

  it('encodes 20,000 packages in well under a few seconds', () => {
    const inv = hostileInventory(99, 20_000);
    const started = performance.now();
    encodeCycloneDx(inv);
    encodeSpdx(inv);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
