import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GroutError } from '../../core/errors.js';
import { garbage } from '../../../test/garbage.js';
import { encodeCycloneDx, encodeSpdx } from '../index.js';
import { debianInventory } from '../testdata/inventories.js';
import { MAX_SKIP_ISSUES } from './build-inventory.js';
import { decodeSbom, MAX_COMPONENT_DEPTH, MAX_SBOM_BYTES } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): Buffer => readFileSync(join(here, 'testdata', name));
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const cdx = (components: unknown): Uint8Array => bytes(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components }));

/** The error decodeSbom throws: a GroutError E_INPUT_FORMAT naming the file. */
function decodeError(input: Uint8Array, label = 'input.json'): GroutError {
  try {
    decodeSbom(input, label);
  } catch (err) {
    expect(err).toBeInstanceOf(GroutError);
    const e = err as GroutError;
    expect(e.code).toBe('E_INPUT_FORMAT');
    expect(e.message).toContain(label);
    expect(e.file).toBe(label);
    return e;
  }
  throw new Error('decodeSbom did not throw');
}

describe('format detection', () => {
  it.each([
    ['empty', bytes(''), /is empty/],
    ['whitespace', bytes('  \n\t '), /is empty/],
    ['not JSON', bytes('{ "bomFormat": "CycloneDX", '), /is not valid JSON/],
    ['plain text', bytes('hello world'), /is not valid JSON/],
    ['random bytes', garbage(4096), /not UTF-8|not valid JSON/],
    ['a JSON array', bytes('[1, 2]'), /is JSON array/],
    ['a JSON string', bytes('"sbom"'), /is JSON string/],
    ['JSON null', bytes('null'), /is JSON null/],
    ['JSON of something else', bytes('{"name": "x", "version": "1"}'), /not an SBOM/],
    ['another bomFormat', bytes('{"bomFormat": "SWID"}'), /bomFormat "SWID"/],
    ['CycloneDX 1.1', bytes('{"bomFormat": "CycloneDX", "specVersion": "1.1"}'), /specVersion "1.1"; grout reads 1.2 to 1.7/],
    ['CycloneDX without specVersion', bytes('{"bomFormat": "CycloneDX"}'), /specVersion undefined/],
    ['CycloneDX specVersion as a number', bytes('{"bomFormat": "CycloneDX", "specVersion": 1.6}'), /specVersion number/],
    ['SPDX 2.1', bytes('{"spdxVersion": "SPDX-2.1"}'), /"SPDX-2.1"; grout reads SPDX-2.2 and SPDX-2.3/],
    ['SPDX 3 JSON-LD', bytes('{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}'), /SPDX 3 JSON-LD/],
    ['components as an object', bytes('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": {"a": 1}}'), /"components" that is object, not an array/],
    ['packages as a string', bytes('{"spdxVersion": "SPDX-2.3", "packages": "musl"}'), /"packages" that is string, not an array/],
    ['relationships as null', bytes('{"spdxVersion": "SPDX-2.3", "relationships": null}'), /"relationships" that is null/],
  ])('%s → E_INPUT_FORMAT', (_name, input, message) => {
    expect(decodeError(input).message).toMatch(message);
  });

  it('CycloneDX XML: says to write it as JSON', () => {
    const e = decodeError(fixture('cyclonedx-1.5.xml'), 'bom.xml');
    expect(e.message).toBe('bom.xml is CycloneDX XML; write it as JSON');
    expect(e.hint).toBeDefined();
  });

  it('SPDX tag-value: says to write it as JSON', () => {
    expect(decodeError(fixture('tag-value.spdx'), 'image.spdx').message).toBe('image.spdx is SPDX tag-value; write it as JSON');
  });

  it('over the size cap (100 MB): refused before it is decoded', () => {
    const big = new Uint8Array(100 * 1024 * 1024).fill(0x20);
    const e = decodeError(big, 'huge.json');
    expect(e.message).toContain(`over the ${MAX_SBOM_BYTES}-byte limit`);
  });

  it('accepts a UTF-8 byte order mark and every CycloneDX specVersion 1.2–1.7', () => {
    for (const specVersion of ['1.2', '1.3', '1.4', '1.5', '1.6', '1.7']) {
      const doc = `\uFEFF${JSON.stringify({ bomFormat: 'CycloneDX', specVersion, components: [{ type: 'library', name: 'musl', purl: 'pkg:apk/alpine/musl@1.2.4-r2' }] })}`;
      expect(decodeSbom(bytes(doc), 'bom.json').packages.map((p) => p.name)).toEqual(['musl']);
    }
  });
});

describe('hostile content becomes issues, never exceptions', () => {
  it('purl garbage and unknown types: one named issue each, the rest decoded', () => {
    const inv = decodeSbom(
      cdx([
        { type: 'library', name: 'ok', version: '1.0.0', purl: 'pkg:npm/ok@1.0.0' },
        { type: 'library', name: 'garbage', purl: 'garbage' },
        { type: 'library', name: 'no-scheme', purl: 'deb/debian/bash@5' },
        { type: 'library', name: 'empty-name', purl: 'pkg:deb/debian/' },
        { type: 'library', name: 'bad-escape', purl: 'pkg:npm/%E0%A4%A@1' },
        { type: 'library', name: 'pacman', purl: 'pkg:alpm/arch/pacman@6.0.2-9' },
        { type: 'library', name: 'generic', purl: 'pkg:generic/openssl@3.0.0' },
        { type: 'library', name: 'huge', purl: `pkg:npm/${'a'.repeat(10_000)}@1` },
        { type: 'library', name: 'no purl at all' },
        { type: 'library', purl: 42 },
      ]),
      'hostile.json',
    );
    expect(inv.packages.map((p) => p.name)).toEqual(['ok']);
    const reasons = inv.issues.map((i) => i.reason);
    expect(reasons).toHaveLength(9);
    expect(inv.issues.every((i) => i.path === 'hostile.json' && i.stage === 'sbom/cyclonedx@1')).toBe(true);
    expect(reasons.find((r) => r.startsWith('"garbage"'))).toMatch(/invalid purl "garbage"/);
    expect(reasons.find((r) => r.startsWith('"pacman"'))).toMatch(/purl type "alpm" is not an ecosystem grout matches/);
    expect(reasons.find((r) => r.startsWith('"generic"'))).toMatch(/purl type "generic"/);
    expect(reasons.find((r) => r.startsWith('"huge"'))).toMatch(/longer than 4096/);
    expect(reasons).toContain('"no purl at all" has no purl; skipped');
    expect(reasons).toContain('a component without a name has no purl; skipped');
  });

  it('wrong types in every field of a real component never throw', () => {
    const doc = JSON.parse(encodeCycloneDx(debianInventory)) as { components: Array<Record<string, unknown>> };
    const wrong: unknown[] = [null, 7, -1, true, 'x', '', [], {}, [null], [{ name: 1, value: {} }], { license: [] }];
    let decoded = 0;
    for (let i = 0; i < doc.components.length; i++) {
      for (const key of Object.keys(doc.components[i]!)) {
        for (const value of wrong) {
          const copy = structuredClone(doc);
          copy.components[i]![key] = value;
          const inv = decodeSbom(bytes(JSON.stringify(copy)), 'mutated.json');
          expect(inv.packages.length).toBeLessThanOrEqual(doc.components.length);
          decoded++;
        }
      }
    }
    expect(decoded).toBeGreaterThan(100);
  });

  it('wrong types in every field of a real SPDX package never throw', () => {
    const doc = JSON.parse(encodeSpdx(debianInventory)) as { packages: Array<Record<string, unknown>>; relationships: unknown[] };
    const wrong: unknown[] = [null, 7, true, 'x', '', [], {}, [null], [{ comment: 1, annotator: [] }], [{ referenceType: 'purl', referenceLocator: 3 }]];
    for (let i = 0; i < doc.packages.length; i++) {
      for (const key of Object.keys(doc.packages[i]!)) {
        for (const value of wrong) {
          const copy = structuredClone(doc);
          copy.packages[i]![key] = value;
          expect(() => decodeSbom(bytes(JSON.stringify(copy)), 'mutated.spdx.json')).not.toThrow();
        }
      }
    }
    for (const value of wrong) {
      const copy = structuredClone(doc);
      copy.relationships = [value, ...copy.relationships];
      expect(() => decodeSbom(bytes(JSON.stringify(copy)), 'mutated.spdx.json')).not.toThrow();
    }
  });

  it('a flood of unusable components gives a bounded number of issues', () => {
    const inv = decodeSbom(cdx(Array.from({ length: 5000 }, (_, i) => ({ type: 'library', name: `x${i}`, purl: `junk${i}` }))), 'flood.json');
    expect(inv.issues).toHaveLength(MAX_SKIP_ISSUES + 1);
    expect(inv.issues.at(-1)?.reason).toBe('4000 more components skipped for the same kinds of reasons');
  });

  it('entries that are not objects are counted in one issue', () => {
    const inv = decodeSbom(cdx([1, null, 'x', [], { type: 'library', name: 'musl', purl: 'pkg:apk/alpine/musl@1.2.4-r2' }]), 'mixed.json');
    expect(inv.packages.map((p) => p.name)).toEqual(['musl']);
    expect(inv.issues.map((i) => i.reason)).toEqual(['4 component entries are not objects; skipped']);
  });

  it(`deeply nested components: walked to depth ${MAX_COMPONENT_DEPTH}, the rest skipped with an issue`, () => {
    const depth = 200_000;
    const open = (n: number): string => `{"type":"library","name":"n${n}","purl":"pkg:npm/n${n}@1.0.0","components":[`;
    let text = '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[';
    for (let n = 1; n <= depth; n++) text += open(n);
    text += `${']}'.repeat(depth)}]}`;
    const inv = decodeSbom(bytes(text), 'deep.json');
    expect(inv.packages).toHaveLength(MAX_COMPONENT_DEPTH);
    expect(inv.issues).toHaveLength(1);
    expect(inv.issues[0]!.reason).toMatch(/nested deeper than 32 levels; 1 skipped/);
  });

  it('the same purl twice is one package, with both locations', () => {
    const props = (layer: number, path: string): unknown[] => [
      { name: 'grout:package:foundBy', value: 'javascript/npm-installed@1' },
      { name: 'grout:package:evidence', value: path },
      { name: 'grout:layer:index', value: String(layer) },
    ];
    const inv = decodeSbom(
      cdx([
        { type: 'library', name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15', properties: props(1, 'b/node_modules/lodash/package.json') },
        { type: 'library', name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15', properties: props(0, 'a/node_modules/lodash/package.json') },
      ]),
      'dup.json',
    );
    expect(inv.packages).toHaveLength(1);
    expect(inv.packages[0]!.locations).toEqual([
      { path: 'a/node_modules/lodash/package.json', layer: 0 },
      { path: 'b/node_modules/lodash/package.json', layer: 1 },
    ]);
  });

  it('is deterministic: the same bytes give the same inventory', () => {
    const input = bytes(encodeCycloneDx(debianInventory));
    expect(JSON.stringify(decodeSbom(input, 'a.json'))).toBe(JSON.stringify(decodeSbom(input, 'a.json')));
  });
});
