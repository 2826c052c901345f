/**
 * Suppressing findings the user has accounted for. Suppressed findings stay in the report (with `suppression`
 * set, sorted last) so every format can show them and why; they no longer count for --fail-on.
 *
 * - **VEX** first: the latest statement (by timestamp; documents and statements in file order break ties) whose
 *   vulnerability id or aliases name the finding's id or one of its aliases, and whose product names the
 *   finding's package, decides. `not_affected` and `fixed` suppress (`suppression.by = 'vex'`, with the status
 *   and justification); `affected` and `under_investigation` do not — a later `affected` re-opens an earlier
 *   `not_affected`. A product that is the image (oci purl, image digest, CycloneDX BOM subject) applies to the
 *   packages its subcomponents name, or to every package without subcomponents; when the scanned image is given,
 *   an image product must carry one of its digests (or none).
 * - **Ignore rules** then, on what VEX left: the first unexpired rule that matches. Expired rules suppress nothing
 *   and are returned in `expiredIgnores`.
 */
import type { ExpiredIgnoreRule, Finding, Suppression } from '../core/finding.js';
import type { ImageDescription } from '../core/model.js';
import { expiredRule, isExpired, ruleMatches, type IgnoreFile } from './ignore-file.js';
import { purlMatches } from './purl-match.js';
import { sortByRisk } from './risk.js';
import type { VexDocument, VexProduct, VexStatement } from './vex-document.js';

export interface SuppressionOptions {
  ignore?: IgnoreFile | readonly IgnoreFile[];
  vex?: readonly VexDocument[];
  now: Date;
  /** The scanned image, so image-level VEX products are checked against its digests. */
  image?: Pick<ImageDescription, 'manifestDigest' | 'configDigest'>;
}

export interface SuppressionResult {
  /** Every finding, suppressed ones included, in risk order. */
  findings: Finding[];
  expiredIgnores: ExpiredIgnoreRule[];
}

export function applySuppressions(findings: readonly Finding[], options: SuppressionOptions): SuppressionResult {
  const files: readonly IgnoreFile[] = options.ignore === undefined ? [] : Array.isArray(options.ignore) ? options.ignore : [options.ignore as IgnoreFile];
  const statements = orderedStatements(options.vex ?? []);
  const active = files.flatMap((f) => f.rules.filter((r) => !isExpired(r, options.now)).map((rule) => ({ rule, source: f.source })));
  const expired = files.flatMap((f) => f.rules.filter((r) => isExpired(r, options.now)).map((r) => expiredRule(r, f.source)));

  const out = findings.map((finding) => {
    if (finding.suppression !== undefined) return finding;
    const suppression = vexSuppression(finding, statements, options.image) ?? ignoreSuppression(finding, active);
    return suppression === undefined ? finding : { ...finding, suppression };
  });
  return { findings: sortByRisk(out), expiredIgnores: dedupeExpired(expired) };
}

interface SourcedStatement {
  statement: VexStatement;
  source: string;
}

function orderedStatements(docs: readonly VexDocument[]): SourcedStatement[] {
  const list = docs.flatMap((doc) => doc.statements.map((statement) => ({ statement, source: doc.source })));
  // Array.prototype.sort is stable: equal timestamps keep document order.
  return list.sort((a, b) => compareTime(a.statement.timestamp, b.statement.timestamp));
}

function compareTime(a: string | undefined, b: string | undefined): number {
  const ta = a === undefined ? Number.NEGATIVE_INFINITY : Date.parse(a);
  const tb = b === undefined ? Number.NEGATIVE_INFINITY : Date.parse(b);
  const na = Number.isNaN(ta) ? Number.NEGATIVE_INFINITY : ta;
  const nb = Number.isNaN(tb) ? Number.NEGATIVE_INFINITY : tb;
  return na === nb ? 0 : na < nb ? -1 : 1;
}

function vexSuppression(finding: Finding, statements: readonly SourcedStatement[], image: SuppressionOptions['image']): Suppression | undefined {
  const ids = new Set([finding.id, ...finding.aliases]);
  let last: SourcedStatement | undefined;
  for (const s of statements) {
    if (!s.statement.ids.some((id) => ids.has(id))) continue;
    if (!s.statement.products.some((p) => productMatches(p, finding, image))) continue;
    last = s;
  }
  if (last === undefined || (last.statement.status !== 'not_affected' && last.statement.status !== 'fixed')) return undefined;
  const suppression: Suppression = { by: 'vex', source: last.source, vexStatus: last.statement.status };
  if (last.statement.justification !== undefined) suppression.justification = last.statement.justification;
  if (last.statement.detail !== undefined) suppression.reason = last.statement.detail;
  return suppression;
}

function productMatches(product: VexProduct, finding: Finding, image: SuppressionOptions['image']): boolean {
  switch (product.kind) {
    case 'package':
      return purlMatches(product.purl, finding.package.purl);
    case 'components':
      return product.subcomponents.some((p) => purlMatches(p, finding.package.purl));
    case 'image': {
      if (image !== undefined && product.digests.length > 0) {
        const own = [image.manifestDigest, image.configDigest].filter((d): d is string => d !== undefined);
        if (own.length > 0 && !product.digests.some((d) => own.includes(d))) return false;
      }
      return product.subcomponents.length === 0 || product.subcomponents.some((p) => purlMatches(p, finding.package.purl));
    }
    case 'other':
      return false;
  }
}

function ignoreSuppression(finding: Finding, rules: readonly { rule: IgnoreFile['rules'][number]; source: string }[]): Suppression | undefined {
  const hit = rules.find((r) => ruleMatches(r.rule, finding));
  if (hit === undefined) return undefined;
  const suppression: Suppression = { by: 'ignore-file', source: hit.source };
  if (hit.rule.reason !== undefined) suppression.reason = hit.rule.reason;
  if (hit.rule.expires !== undefined) suppression.expires = hit.rule.expires;
  return suppression;
}

function dedupeExpired(list: ExpiredIgnoreRule[]): ExpiredIgnoreRule[] {
  const byKey = new Map<string, ExpiredIgnoreRule>();
  for (const e of list) byKey.set(JSON.stringify([e.source, e.id, e.expires, e.reason ?? '']), e);
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
}
