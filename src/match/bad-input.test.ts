/**
 * Hostile input to the user-file parsers (ignore file, VEX): whatever the bytes, the answer is a parsed document
 * or a GroutError E_INPUT_FORMAT naming the file — never a raw TypeError/RangeError, never a hang.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { garbage } from '../../test/garbage.js';
import { GroutError } from '../core/errors.js';
import { parseIgnoreFile } from './ignore-file.js';
import { scoreCvss } from './cvss.js';
import { parseVexDocument } from './vex.js';

const testdata = (name: string): string => join(fileURLToPath(new URL('.', import.meta.url)), 'testdata', name);

function expectParsedOrInputError(run: () => unknown, source: string): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GroutError);
    expect(error).toMatchObject({ code: 'E_INPUT_FORMAT', file: source });
  }
}

/** Every prefix and a set of single-character mutations of a valid document. */
function variants(text: string): string[] {
  const out: string[] = [];
  for (let n = 0; n < text.length; n += Math.max(1, Math.floor(text.length / 200))) out.push(text.slice(0, n));
  const noise = garbage(400, 7);
  for (let i = 0; i < 200; i++) {
    const at = (noise[i * 2]! * 256 + noise[i * 2 + 1]!) % text.length;
    const swaps = ['', '"', '{', '[', ']', '}', ':', ',', 'null', '1', '-', '\n', '\t', '*', '&a', '!!binary'];
    out.push(text.slice(0, at) + swaps[i % swaps.length] + text.slice(at + 1));
  }
  return out;
}

describe('hostile input', () => {
  it('VEX documents: truncations, mutations and garbage', () => {
    for (const file of ['openvex-app.json', 'cyclonedx-vex.json']) {
      for (const text of variants(readFileSync(testdata(file), 'utf8'))) expectParsedOrInputError(() => parseVexDocument(text, 'x.json'), 'x.json');
    }
    for (let seed = 1; seed <= 20; seed++) expectParsedOrInputError(() => parseVexDocument(garbage(512, seed).toString('latin1'), 'g.json'), 'g.json');
    // Valid JSON of the wrong shapes.
    for (const doc of [
      { '@context': 'https://openvex.dev/ns', statements: [null, 1, 'x'] },
      { '@context': 'https://openvex.dev/ns', statements: [{ vulnerability: { name: 1 }, status: 'fixed', products: [] }] },
      { '@context': 'https://openvex.dev/ns', statements: [{ vulnerability: { name: 'CVE-1' }, status: 'fixed', products: [{ '@id': 'pkg:%%%/x' }] }] },
      { bomFormat: 'CycloneDX', vulnerabilities: {} },
      { bomFormat: 'CycloneDX', components: [{ components: [{ components: 'x' }] }], vulnerabilities: [{ id: 'x', analysis: { state: 'resolved' }, affects: [{ ref: 5 }] }] },
    ]) {
      expectParsedOrInputError(() => parseVexDocument(JSON.stringify(doc), 'shape.json'), 'shape.json');
    }
  });

  it('ignore files: truncations, mutations, garbage and YAML alias bombs', () => {
    for (const text of variants(readFileSync(testdata('ignore-valid.yaml'), 'utf8'))) expectParsedOrInputError(() => parseIgnoreFile(text, 'i.yaml'), 'i.yaml');
    for (let seed = 1; seed <= 20; seed++) expectParsedOrInputError(() => parseIgnoreFile(garbage(512, seed).toString('latin1'), 'g.yaml'), 'g.yaml');
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
    expectParsedOrInputError(() => parseIgnoreFile(bomb, 'bomb.yaml'), 'bomb.yaml');
  });

  it('CVSS vectors: garbage never throws', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const text = `CVSS:3.1/${garbage(40, seed).toString('latin1')}`;
      expect(() => scoreCvss(text)).not.toThrow();
    }
    for (const v of ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:Q', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/ZZ:Z']) {
      expect(() => scoreCvss(v)).not.toThrow();
    }
  });
});
