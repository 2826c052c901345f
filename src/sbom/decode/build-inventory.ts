import { createHash } from 'node:crypto';
import type { FileRecord, Inventory, Package, PackageLocation, Relationship } from '../../core/model.js';
import { compareText, compareTuples } from '../compare.js';
import { decodeDistro } from './distro-decode.js';
import { decodeUnownedFile } from './file-decode.js';
import { decodeImage } from './image-decode.js';
import { groutLayerGroups, LayerTable } from './layer-facts.js';
import { decodePackage, type DecodedPackage } from './package-build.js';
import type { RawDocument } from './raw-document.js';

/** One issue per skipped component up to this many; past it, one issue counts the rest. */
export const MAX_SKIP_ISSUES = 1000;

/**
 * Interpret a read document as an inventory: image, distro, packages (one per purl), unowned files, depends-on
 * edges, and an issue for every component that could not be used. Deterministic: sorted, ids from purls.
 */
export function buildInventory(doc: RawDocument, label: string): Inventory {
  const issues = [...doc.issues];
  const layers = new LayerTable();
  const image = decodeImage(doc.subject, label, layers);
  for (const c of doc.components) {
    for (const group of groutLayerGroups(c.facts)) if (group.layer !== undefined) layers.add(group.layer);
  }

  const byPurl = new Map<string, { pkg: DecodedPackage; refs: string[] }>();
  const files = new Map<string, FileRecord>();
  let skipped = 0;
  for (const c of doc.components) {
    if (c.kind === 'operating-system' || c.kind === 'other') continue;
    if (c.kind === 'file') {
      const file = decodeUnownedFile(c);
      if (file !== undefined && !files.has(file.path)) files.set(file.path, file);
      continue;
    }
    const result = decodePackage(c, doc.stage, layers);
    if (!result.ok) {
      if (skipped++ < MAX_SKIP_ISSUES) issues.push({ path: label, stage: doc.stage, reason: result.reason });
      continue;
    }
    const known = byPurl.get(result.pkg.purl);
    if (known === undefined) {
      byPurl.set(result.pkg.purl, { pkg: result.pkg, refs: c.ref !== undefined ? [c.ref] : [] });
    } else {
      known.pkg.locations = mergeLocations(known.pkg.locations, result.pkg.locations);
      if (c.ref !== undefined) known.refs.push(c.ref);
    }
  }

  if (skipped > MAX_SKIP_ISSUES) {
    issues.push({ path: label, stage: doc.stage, reason: `${skipped - MAX_SKIP_ISSUES} more components skipped for the same kinds of reasons` });
  }

  const idOfRef = new Map<string, string>();
  const packages: Package[] = [];
  for (const [purl, { pkg, refs }] of byPurl) {
    const id = `${pkg.ecosystem}-${createHash('sha256').update(purl).digest('hex').slice(0, 16)}`;
    for (const ref of refs) if (!idOfRef.has(ref)) idOfRef.set(ref, id);
    packages.push({ id, ...pkg, locations: mergeLocations([], pkg.locations) });
  }
  packages.sort((a, b) => compareTuples([a.ecosystem, a.name, a.version, a.purl], [b.ecosystem, b.name, b.version, b.purl]));

  const edges = new Set<string>();
  const relationships: Relationship[] = [];
  for (const [fromRef, toRef] of doc.dependsOn) {
    const from = idOfRef.get(fromRef);
    const to = idOfRef.get(toRef);
    if (from === undefined || to === undefined || from === to || edges.has(`${from}\0${to}`)) continue;
    edges.add(`${from}\0${to}`);
    relationships.push({ from, to, type: 'depends-on' });
  }
  relationships.sort((a, b) => compareTuples([a.from, a.to], [b.from, b.to]));

  image.layers = layers.layers();
  const distro = decodeDistro(doc, label);
  return {
    image,
    ...(distro !== undefined ? { distro } : {}),
    packages,
    files: [...files.values()].sort((a, b) => compareText(a.path, b.path)),
    relationships,
    issues,
    extractors: [doc.stage],
  };
}

function mergeLocations(a: readonly PackageLocation[], b: readonly PackageLocation[]): PackageLocation[] {
  const seen = new Set<string>();
  const out: PackageLocation[] = [];
  for (const loc of [...a, ...b]) {
    const key = `${loc.layer}\0${loc.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(loc);
  }
  return out.sort((x, y) => x.layer - y.layer || compareText(x.path, y.path));
}
