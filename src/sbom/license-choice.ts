import { compareText } from './compare.js';
import { classifyLicense, joinWithAnd, type LicenseClass } from './license-expression.js';
import { licenseRefFor } from './spdx-id.js';

/** CycloneDX 1.6 `licenseChoice`: a list of licences by id or name, or exactly one SPDX expression. */
export type CycloneDxLicenseChoice = CycloneDxLicenseEntry[] | [CycloneDxExpression];
export type CycloneDxLicenseEntry = { license: { id: string } } | { license: { name: string } };
export interface CycloneDxExpression {
  expression: string;
}

/** Classified, without duplicates (`mit` and `MIT` are one licence), sorted by what will be written. */
function classifyAll(declared: readonly string[]): LicenseClass[] {
  const byValue = new Map<string, LicenseClass>();
  for (const text of declared) {
    const trimmed = text.trim();
    if (trimmed.length === 0) continue;
    const c = classifyLicense(trimmed);
    if (!byValue.has(c.value)) byValue.set(c.value, c);
  }
  return [...byValue.entries()].sort(([a], [b]) => compareText(a, b)).map(([, c]) => c);
}

/**
 * The licences of a component. A known single id becomes `license.id`, free text `license.name`. Expressions
 * cannot be mixed with that list (the schema allows one expression alone), so when every declared licence is
 * valid SPDX they are joined with AND into one `expression`; when free text is among them, each expression is
 * kept, verbatim, as a `license.name` instead. Undefined when nothing was declared.
 */
export function cycloneDxLicenses(declared: readonly string[]): CycloneDxLicenseChoice | undefined {
  const classes = classifyAll(declared);
  if (classes.length === 0) return undefined;
  const hasExpression = classes.some((c) => c.kind === 'expression');
  const allSpdx = classes.every((c) => c.kind !== 'other');
  if (hasExpression && allSpdx) {
    const parts = classes.map((c) => ({ value: c.value, topLevelOr: c.kind === 'expression' && c.topLevelOr }));
    return [{ expression: joinWithAnd(parts) }];
  }
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const c of classes) {
    if (c.kind === 'id') ids.add(c.value);
    else names.add(c.value);
  }
  const entries: CycloneDxLicenseEntry[] = [
    ...[...ids].sort(compareText).map((id) => ({ license: { id } })),
    ...[...names].sort(compareText).map((name) => ({ license: { name } })),
  ];
  return entries;
}

/** SPDX 2.3 §10: a licence text that is not on the SPDX list, named by a `LicenseRef-`. */
export interface ExtractedLicense {
  licenseId: string;
  extractedText: string;
  name?: string;
}

export interface SpdxDeclaredLicense {
  /** A valid SPDX expression, or NOASSERTION when nothing was declared. */
  expression: string;
  /** The `LicenseRef-`s the expression uses, with their text. */
  extracted: ExtractedLicense[];
}

/**
 * `licenseDeclared` of an SPDX package: every declared licence joined with AND; free text becomes a
 * `LicenseRef-` (kept with its text in `hasExtractedLicensingInfos`), as does any `LicenseRef-` the database
 * already wrote (SPDX requires every one used to be declared in the document).
 */
export function spdxDeclaredLicense(declared: readonly string[]): SpdxDeclaredLicense {
  const classes = classifyAll(declared);
  if (classes.length === 0) return { expression: 'NOASSERTION', extracted: [] };
  const extracted: ExtractedLicense[] = [];
  const parts = classes.map((c) => {
    switch (c.kind) {
      case 'id':
        return { value: c.value, topLevelOr: false };
      case 'expression':
        for (const ref of c.licenseRefs) extracted.push({ licenseId: ref, extractedText: c.value });
        return { value: c.value, topLevelOr: c.topLevelOr };
      case 'other': {
        const licenseId = licenseRefFor(c.value);
        extracted.push({ licenseId, extractedText: c.value, name: c.value });
        return { value: licenseId, topLevelOr: false };
      }
    }
  });
  return { expression: joinWithAnd(parts), extracted };
}
