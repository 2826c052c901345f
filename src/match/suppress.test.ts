import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryAdvisoryStore, osvAdvisories } from '../../test/memory-advisory-store.js';
import { vulndata } from '../../test/shared-data.js';
import { GroutError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { readIgnoreFile } from './ignore-file.js';
import { matchInventory } from './match-inventory.js';
import { applySuppressions } from './suppress.js';
import { IMAGE, inventory, maven, npm } from './testdata/packages.js';
import { readVexDocument } from './vex.js';

const testdata = (name: string): string => join(fileURLToPath(new URL('.', import.meta.url)), 'testdata', name);

let findings: Finding[];
beforeAll(() => {
  const store = new MemoryAdvisoryStore({ advisories: osvAdvisories([vulndata('osv', 'ghsa-subset.jsonl.gz')], 'osv-ghsa') });
  findings = matchInventory(inventory([npm('lodash', '4.17.15'), maven('org.apache.logging.log4j:log4j-core', '2.14.1')]), store, { now: new Date(0) });
  expect(findings.map((f) => f.id).sort()).toEqual(['CVE-2020-8203', 'CVE-2021-23337', 'CVE-2021-44228', 'CVE-2021-45046', 'CVE-2021-45105']);
});

const outcome = (list: Finding[]): Record<string, string> =>
  Object.fromEntries(
    list.map((f) => [
      f.id,
      f.suppression === undefined ? 'open' : [f.suppression.by, f.suppression.vexStatus, f.suppression.justification, f.suppression.reason].filter(Boolean).join(' | '),
    ]),
  );

describe('ignore file', () => {
  it('suppresses by id or alias, package, purl and path; an expired rule stops suppressing and is reported', async () => {
    const rules = await readIgnoreFile(testdata('ignore-valid.yaml'));
    const result = applySuppressions(findings, { ignore: rules, now: new Date('2025-01-01T12:00:00Z') });
    expect(outcome(result.findings)).toEqual({
      'CVE-2020-8203': 'ignore-file | zipObjectDeep is never called with user input',
      'CVE-2021-23337': 'open', // its rule expired 2024-06-30
      'CVE-2021-44228': 'open', // the rule's path does not match app/app.jar
      'CVE-2021-45046': 'open',
      'CVE-2021-45105': 'ignore-file',
    });
    expect(result.expiredIgnores).toEqual([{ id: 'GHSA-35jh-r3h4-6jhm', expires: '2024-06-30', reason: 'template() is not used', source: testdata('ignore-valid.yaml') }]);
    // Suppressed findings sort last.
    expect(result.findings.slice(-2).every((f) => f.suppression !== undefined)).toBe(true);
    expect(result.findings.find((f) => f.id === 'CVE-2020-8203')?.suppression).toEqual({
      by: 'ignore-file',
      source: testdata('ignore-valid.yaml'),
      reason: 'zipObjectDeep is never called with user input',
      expires: '2030-01-01',
    });
  });

  it('a rule suppresses until the day before its expiry', async () => {
    const rules = await readIgnoreFile(testdata('ignore-valid.yaml'));
    const before = applySuppressions(findings, { ignore: rules, now: new Date('2024-06-29T23:59:59Z') });
    expect(outcome(before.findings)['CVE-2021-23337']).toBe('ignore-file | template() is not used');
    expect(before.expiredIgnores).toEqual([]);
    const on = applySuppressions(findings, { ignore: rules, now: new Date('2024-06-30T00:00:00Z') });
    expect(outcome(on.findings)['CVE-2021-23337']).toBe('open');
  });

  it.each([
    ['ignore-bad-expires.yaml', 'ignore[1].expires must be a date YYYY-MM-DD, got "2024-02-30"'],
    ['ignore-unknown-key.yaml', 'ignore[0] has an unknown key "expire"'],
    ['ignore-no-id.yaml', 'ignore[0] has no `id`'],
    ['ignore-not-a-list.yaml', '`ignore` must be a list'],
    ['ignore-not-yaml.yaml', 'is not valid YAML'],
    ['ignore-bad-purl.yaml', 'ignore[0].purl "npm/lodash" is not a package URL'],
  ])('%s is rejected: %s', async (file, message) => {
    const error = await readIgnoreFile(testdata(file)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GroutError);
    expect(error).toMatchObject({ code: 'E_INPUT_FORMAT', file: testdata(file) });
    expect((error as Error).message).toContain(testdata(file));
    expect((error as Error).message).toContain(message);
  });
});

describe('OpenVEX', () => {
  it('not_affected and fixed suppress, with the justification; a later affected re-opens; under_investigation does not suppress', async () => {
    const vex = await readVexDocument(testdata('openvex-app.json'));
    const result = applySuppressions(findings, { vex: [vex], now: new Date(0), image: IMAGE });
    expect(outcome(result.findings)).toEqual({
      'CVE-2020-8203': 'open',
      'CVE-2021-23337': 'vex | fixed', // statement names the GHSA alias
      'CVE-2021-44228': 'vex | not_affected | vulnerable_code_not_in_execute_path | JNDI lookups are disabled by log4j2.formatMsgNoLookups',
      'CVE-2021-45046': 'vex | not_affected | inline_mitigations_already_exist', // the image, with log4j-core as subcomponent
      'CVE-2021-45105': 'open',
    });
    expect(result.findings.find((f) => f.id === 'CVE-2021-44228')?.suppression?.source).toBe(testdata('openvex-app.json'));
  });

  it('an image product must be this image when the image is known', async () => {
    const vex = await readVexDocument(testdata('openvex-other-image.json'));
    expect(outcome(applySuppressions(findings, { vex: [vex], now: new Date(0), image: IMAGE }).findings)).toMatchObject({
      'CVE-2020-8203': 'open',
      'CVE-2021-23337': 'vex | not_affected | vulnerable_code_not_present', // by config digest, every package of the image
    });
    expect(outcome(applySuppressions(findings, { vex: [vex], now: new Date(0) }).findings)['CVE-2020-8203']).toBe('vex | not_affected | component_not_present');
  });
});

describe('CycloneDX VEX', () => {
  it('resolves refs through components (nested too), purls, BOM-Links and the BOM subject', async () => {
    const vex = await readVexDocument(testdata('cyclonedx-vex.json'));
    expect(vex.statements.map((s) => s.ids[0])).toEqual(['CVE-2021-44228', 'GHSA-p6mc-m468-83gw', 'CVE-2021-45105', 'CVE-2021-45046', 'CVE-2021-23337']);
    const result = applySuppressions(findings, { vex: [vex], now: new Date(0), image: IMAGE });
    expect(outcome(result.findings)).toEqual({
      'CVE-2020-8203': 'vex | not_affected | false_positive',
      'CVE-2021-23337': 'vex | not_affected | requires_configuration',
      'CVE-2021-44228': 'vex | not_affected | code_not_reachable | JndiLookup.class removed from the jar',
      'CVE-2021-45046': 'open', // exploitable
      'CVE-2021-45105': 'vex | fixed | patched build',
    });
  });
});

describe('VEX validation', () => {
  it.each([
    ['openvex-no-justification.json', 'statements[1] is not_affected without a justification or impact_statement'],
    ['cyclonedx-bad-state.json', 'vulnerabilities[0].analysis.state "ignored" is not a CycloneDX impact analysis state'],
    ['cyclonedx-dangling-ref.json', 'vulnerabilities[0].affects[0].ref "no-such-component" names no component'],
    ['vex-neither.json', 'is neither OpenVEX'],
    ['vex-truncated.json', 'is not JSON'],
  ])('%s: %s', async (file, message) => {
    const error = await readVexDocument(testdata(file)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GroutError);
    expect(error).toMatchObject({ code: 'E_INPUT_FORMAT', file: testdata(file) });
    expect((error as Error).message).toContain(message);
  });

  it('a missing file is an I/O error naming it', async () => {
    await expect(readVexDocument(testdata('no-such.json'))).rejects.toMatchObject({ code: 'E_IO' });
    await expect(readIgnoreFile(testdata('no-such.yaml'))).rejects.toMatchObject({ code: 'E_IO' });
  });
});
