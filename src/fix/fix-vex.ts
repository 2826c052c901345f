import type { ScanReport } from '../core/finding.js';
import { imagePurl } from '../sbom/index.js';
import type { FixResult } from './fix-image.js';

/**
 * The OpenVEX (v0.2.0) document a patched image ships with: every vulnerability `grout fix` removed, stated
 * `fixed` for the new image, with the packages it was fixed in as subcomponents. Deterministic for the same result.
 */
export function fixVexDocument(result: FixResult, timestamp: string): string {
  const after = result.after;
  if (after === undefined) throw new Error('fixVexDocument needs the rescan of the patched image');
  const product = productId(after);
  const purlsBySource = new Map<string, string[]>();
  for (const f of result.before.findings) {
    const source = f.package.source?.name ?? f.package.name;
    const list = purlsBySource.get(source) ?? [];
    if (!list.includes(f.package.purl)) list.push(f.package.purl);
    purlsBySource.set(source, list);
  }
  const byId = new Map<string, Set<string>>();
  for (const fix of result.fixed) {
    const set = byId.get(fix.id) ?? new Set<string>();
    for (const purl of purlsBySource.get(fix.package) ?? []) set.add(purl);
    byId.set(fix.id, set);
  }
  const statements = [...byId.keys()].sort().map((id) => ({
    vulnerability: { name: id },
    products: [{ '@id': product, subcomponents: [...byId.get(id)!].sort().map((purl) => ({ '@id': purl })) }],
    status: 'fixed',
    status_notes: `fixed by grout fix: ${result.fixed.filter((f) => f.id === id).map((f) => `${f.package} ${f.from} → ${f.to}`).join('; ')}`,
  }));
  const doc = {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': `https://openvex.dev/docs/grout/fix-${after.image.manifestDigest?.slice(7, 23) ?? 'image'}`,
    author: 'grout',
    timestamp,
    version: 1,
    statements,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function productId(report: ScanReport): string {
  return imagePurl(report.image) ?? report.image.reference;
}
