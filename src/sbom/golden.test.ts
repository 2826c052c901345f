import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeCycloneDx, encodeSpdx } from './index.js';
import { goldenCases } from './testdata/inventories.js';
import { cycloneDxValidator, describeErrors, spdxSchemaPath, spdxValidator } from './testdata/schemas.js';

/**
 * Golden files: testdata/<case>/inventory.json (the hand-built inventory), cyclonedx.json and spdx.json (what the
 * encoders make of it). `UPDATE_GOLDEN=1 npx vitest run src/sbom` rewrites them; review the diff.
 */
const here = dirname(fileURLToPath(import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';
const TOOL_VERSION = '0.1.0-test';

function golden(caseName: string, file: string, actual: string): void {
  const path = join(here, 'testdata', caseName, file);
  if (update) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  expect(existsSync(path), `${path} is missing; run with UPDATE_GOLDEN=1`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe.each(Object.entries(goldenCases))('golden %s', (caseName, inventory) => {
  it('inventory.json matches the fixture', () => {
    golden(caseName, 'inventory.json', `${JSON.stringify(inventory, null, 2)}\n`);
  });

  it('CycloneDX matches cyclonedx.json and the CycloneDX 1.6 schema', () => {
    const json = encodeCycloneDx(inventory, { toolVersion: TOOL_VERSION });
    golden(caseName, 'cyclonedx.json', json);
    const validate = cycloneDxValidator();
    const ok = validate(JSON.parse(json));
    expect(ok, describeErrors(validate.errors)).toBe(true);
  });

  it('SPDX matches spdx.json', () => {
    golden(caseName, 'spdx.json', encodeSpdx(inventory, { toolVersion: TOOL_VERSION }));
  });

  it.skipIf(spdxSchemaPath() === undefined)('SPDX validates against the SPDX 2.3 schema (GROUT_SPDX_SCHEMA)', () => {
    const validate = spdxValidator();
    if (validate === undefined) throw new Error('unreachable: GROUT_SPDX_SCHEMA is set');
    const doc: unknown = JSON.parse(encodeSpdx(inventory, { toolVersion: TOOL_VERSION }));
    const ok = validate(doc);
    expect(ok, describeErrors(validate.errors)).toBe(true);
  });

  it('golden files are themselves schema-valid (as committed)', () => {
    if (update) return;
    const cdx = cycloneDxValidator();
    expect(cdx(JSON.parse(readFileSync(join(here, 'testdata', caseName, 'cyclonedx.json'), 'utf8'))), describeErrors(cdx.errors)).toBe(true);
    const spdx = spdxValidator();
    if (spdx !== undefined) {
      expect(spdx(JSON.parse(readFileSync(join(here, 'testdata', caseName, 'spdx.json'), 'utf8'))), describeErrors(spdx.errors)).toBe(true);
    }
  });
});
