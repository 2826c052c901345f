import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Inventory, Package } from '../../core/model.js';
import { inventory } from '../../scan/inventory.js';
import { debianTestImage, TAG, UNOWNED_FILE } from '../../../test/images/debian-image.js';
import { encodeCycloneDx, encodeSpdx } from '../index.js';
import { dependencyMap, documentPackages } from '../inventory-view.js';
import { goldenCases } from '../testdata/inventories.js';
import { decodeSbom } from './index.js';

/**
 * decode(encode(inventory)) gives back what matching needs: the same packages — (ecosystem, name, version, arch,
 * purl, source name + version, layers) — the same distro, the image's identity, and the depends-on edges.
 */
const here = dirname(fileURLToPath(import.meta.url));

function packageKey(p: Package): string {
  const layers = [...new Set(p.locations.map((l) => l.layer))].sort((a, b) => a - b).join(',');
  return [p.ecosystem, p.name, p.version, p.arch ?? '', p.purl, p.source?.name ?? '', p.source?.version ?? '', layers].join(' | ');
}

/** What an SBOM can carry: the packages the encoders write (one per id) that have a purl. */
function expectedPackages(inv: Inventory): string[] {
  return documentPackages(inv).filter((p) => p.purl !== '').map(packageKey).sort();
}

function edgesByPurl(packages: readonly Package[], deps: Map<string, string[]>): string[] {
  const purl = new Map(packages.map((p) => [p.id, p.purl]));
  const out: string[] = [];
  for (const [from, tos] of deps) for (const to of tos) if (purl.get(from) && purl.get(to)) out.push(`${purl.get(from)} -> ${purl.get(to)}`);
  return out.sort();
}

function checkRoundTrip(original: Inventory, decoded: Inventory, label: string): void {
  expect(decoded.packages.map(packageKey).sort()).toEqual(expectedPackages(original));
  if (original.distro) expect(decoded.distro).toEqual({ ...original.distro, source: `sbom:${label}` });
  else expect(decoded.distro).toBeUndefined();
  expect(decoded.image).toMatchObject({ reference: `sbom:${label}`, transport: 'sbom', tags: original.image.tags, labels: original.image.labels });
  for (const key of ['manifestDigest', 'configDigest', 'os', 'architecture'] as const) expect(decoded.image[key]).toBe(original.image[key]);
  // Layers that brought a package keep their diffId and history.
  for (const layer of decoded.image.layers) expect(original.image.layers.find((l) => l.index === layer.index)).toMatchObject(layer);
  const kept = documentPackages(original);
  expect(edgesByPurl(decoded.packages, dependencyMap(decoded, decoded.packages))).toEqual(edgesByPurl(kept, dependencyMap(original, kept)));
  for (const p of decoded.packages) {
    const from = kept.find((k) => k.purl === p.purl);
    expect(p.foundBy).toBe(from?.foundBy);
    expect(p.metadata?.kind).toBe(from?.metadata?.kind ?? 'language');
  }
}

describe.each(Object.entries(goldenCases))('golden %s', (caseName, original) => {
  it.each([
    ['cyclonedx.json', encodeCycloneDx],
    ['spdx.json', encodeSpdx],
  ] as const)('%s decodes to the inventory it was made from', (file, encode) => {
    const committed = readFileSync(join(here, '..', 'testdata', caseName, file));
    const label = `${caseName}/${file}`;
    const decoded = decodeSbom(committed, label);
    checkRoundTrip(original, decoded, label);
    expect(decodeSbom(new TextEncoder().encode(encode(original)), label)).toEqual(decoded);
    const withoutPurl = documentPackages(original).filter((p) => p.purl === '');
    expect(decoded.issues.map((i) => i.reason)).toEqual(withoutPurl.map((p) => expect.stringContaining(`"${p.name}"`)));
  });
});

describe('golden rpm details', () => {
  it('keeps epoch, release, source rpm and modularity label', () => {
    const decoded = decodeSbom(readFileSync(join(here, '..', 'testdata', 'rocky-rpm', 'spdx.json')), 'rocky.spdx.json');
    const nodejs = decoded.packages.find((p) => p.name === 'nodejs');
    expect(nodejs).toMatchObject({
      version: '1:18.14.2-2.module+el9.2.0+1110+8d4b2b5b',
      metadata: { kind: 'rpm', epoch: 1, release: '2.module+el9.2.0+1110+8d4b2b5b', modularityLabel: 'nodejs:18:9020020230330135112:rhel9' },
    });
  });
});

describe('the real Debian test image', () => {
  const image = debianTestImage();
  const scanned = image.then((img) => inventory(`oci:${img.ociLayout}:${TAG}`));

  it.each([
    ['cyclonedx', encodeCycloneDx],
    ['spdx', encodeSpdx],
  ] as const)('%s: decode(encode(inventory)) has the same packages, layers, distro and unowned file', async (format, encode) => {
    const original = await scanned;
    const label = `debian.${format}.json`;
    const decoded = decodeSbom(new TextEncoder().encode(encode(original)), label);
    expect(decoded.packages.length).toBeGreaterThan(80);
    checkRoundTrip(original, decoded, label);
    expect(decoded.issues).toEqual([]);
    const mystery = original.files.find((f) => f.path === UNOWNED_FILE)!;
    expect(decoded.files).toEqual([{ ...mystery, mode: 0, owners: [] }].map(({ digests: _d, linkTarget: _l, ...f }) => f));
  });
});
