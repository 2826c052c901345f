import { type CoreMetadata, field, fieldValues } from './core-metadata.js';

const LICENSE_CLASSIFIER = 'License :: ';

/**
 * The licences a core-metadata file declares, in the order trivy reads them (and its fixtures expect):
 * 1. `License-Expression` (PEP 639, https://peps.python.org/pep-0639/), an SPDX expression, when present;
 * 2. otherwise the last segment of each `Classifier: License :: …` (`License :: OSI Approved :: MIT License` →
 *    `MIT License`); the bare grouping `License :: OSI Approved` names no licence and is skipped;
 * 3. otherwise the free-text `License` field.
 * `License-File` names a file, not a licence, and is not reported.
 */
export function declaredLicenses(meta: CoreMetadata): string[] {
  const expression = field(meta, 'license-expression');
  if (expression !== undefined) return [expression];
  const fromClassifiers: string[] = [];
  for (const classifier of fieldValues(meta, 'classifier')) {
    if (!classifier.startsWith(LICENSE_CLASSIFIER)) continue;
    const parts = classifier.split(' :: ');
    const last = parts[parts.length - 1]?.trim() ?? '';
    if (parts.length < 2 || last === '' || last === 'OSI Approved') continue;
    if (!fromClassifiers.includes(last)) fromClassifiers.push(last);
  }
  if (fromClassifiers.length > 0) return fromClassifiers;
  const license = field(meta, 'license');
  return license === undefined ? [] : [license];
}
