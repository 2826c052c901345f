import { normalizeName, requirementName } from '../pypi-names.js';
import { type CoreMetadata, fieldValues } from './core-metadata.js';

/** More requirements than any distribution declares. */
const MAX_REQUIREMENTS = 10_000;

/**
 * The distributions a package requires, from its `Requires-Dist` fields (PEP 508 requirements), as PEP 503
 * normalised names, sorted and unique. Version specifiers and extras are dropped. Environment markers cannot be
 * evaluated for an image, so a requirement is kept whatever its marker says, except one that only applies when an
 * extra of this package is requested (`; extra == "test"`): those are optional features, not dependencies.
 */
export function requiredNames(meta: CoreMetadata): string[] {
  const names = new Set<string>();
  for (const requirement of fieldValues(meta, 'requires-dist').slice(0, MAX_REQUIREMENTS)) {
    const semicolon = requirement.indexOf(';');
    const marker = semicolon < 0 ? '' : requirement.slice(semicolon + 1);
    if (onlyForExtra(marker)) continue;
    const name = requirementName(semicolon < 0 ? requirement : requirement.slice(0, semicolon));
    if (name !== undefined) names.add(normalizeName(name));
  }
  return [...names].sort();
}

/** `extra == 'x'`, `(python_version < "3.12") and extra == 'x'`; a marker that ORs an extra with something else applies without it. */
function onlyForExtra(marker: string): boolean {
  return /\bextra\s*==/.test(marker) && !/\bor\b/.test(marker);
}
