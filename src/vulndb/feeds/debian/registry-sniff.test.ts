import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { vulndata } from '../../../../test/shared-data.js';
import { FEED_FORMATS } from '../index.js';

/** `grout db import` takes the first handler in FEED_FORMATS whose sniff says yes; for these files it must be theirs. */
describe('FEED_FORMATS sniffing of the Debian, KEV, EPSS and EOL files', () => {
  const cases: [string[], string | undefined][] = [
    [['debian', 'security-tracker', 'DSA.list'], 'debian-dsa-list'],
    [['debian', 'security-tracker', 'DLA.list'], 'debian-dsa-list'],
    [['debian', 'tracker-json-sample', 'debian.json'], 'debian-tracker'],
    [['kev', 'known_exploited_vulnerabilities.json'], 'kev'],
    [['kev', 'known_exploited_vulnerabilities_schema.json'], undefined],
    [['epss', 'epss-excerpt-2024-10-25.csv'], 'epss'],
    [['eol', 'endoflife-date'], 'eol'],
    [['eol', 'endoflife-date', 'products'], 'eol'],
    [['eol', 'endoflife-date', 'all-products.json.gz'], 'eol'],
    [['eol', 'endoflife-date', 'products', 'debian.md'], 'eol'],
    [['debian', 'osv-samples', 'DSA-5474-1.json'], 'osv'],
  ];
  it.each(cases)('%j is claimed by %s alone', (parts, format) => {
    const path = vulndata(...parts);
    const isDirectory = statSync(path).isDirectory();
    const head = isDirectory ? new Uint8Array() : readFileSync(path).subarray(0, 4096);
    expect(FEED_FORMATS.filter((handler) => handler.sniff(path, head, isDirectory)).map((handler) => handler.format)).toEqual(format === undefined ? [] : [format]);
  });
});
