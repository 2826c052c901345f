import { describe, expect, it } from 'vitest';
import { parseStanzas } from './stanza.js';

function parse(text: string, limits?: { maxStanzas: number; maxFields: number }): { stanzas: [number, Record<string, string>][]; problems: string[] } {
  const problems: string[] = [];
  const stanzas = parseStanzas(text, (r) => problems.push(r), limits);
  return { stanzas: stanzas.map((s) => [s.line, Object.fromEntries(s.fields)]), problems };
}

describe('parseStanzas', () => {
  it('splits paragraphs, lower-cases field names and trims values', () => {
    expect(parse('Package: a\nVERSION:1 \n\nPackage:  b\n')).toEqual({
      stanzas: [
        [1, { package: 'a', version: '1' }],
        [4, { package: 'b' }],
      ],
      problems: [],
    });
  });

  it('joins continuation lines with newlines, trimmed', () => {
    expect(parse('Conffiles:\n /etc/a 0123\n\t/etc/b 4567\nDescription: x\n .\n  y\n').stanzas).toEqual([
      [1, { conffiles: '\n/etc/a 0123\n/etc/b 4567', description: 'x\n.\ny' }],
    ]);
  });

  it('treats CRLF, whitespace-only lines and runs of blank lines as separators', () => {
    expect(parse('\r\n \t\r\nA: 1\r\n\r\n   \n\n\nB: 2\r\n\r\n\r\n').stanzas).toEqual([
      [3, { a: '1' }],
      [8, { b: '2' }],
    ]);
  });

  it('keeps a value containing colons whole', () => {
    expect(parse('Version: 1:2.3-4\n').stanzas).toEqual([[1, { version: '1:2.3-4' }]]);
  });

  it('reports lines that are not fields and continuations without a field, and goes on', () => {
    expect(parse(' orphan\nasdf\nA: 1\nno colon\n more\nB: 2\n')).toEqual({
      stanzas: [[3, { a: '1', b: '2' }]],
      problems: ['line 1: continuation line without a field before it', 'line 2: not a "Field: value" line', 'line 4: not a "Field: value" line'],
    });
  });

  it('rejects field names with spaces, a leading # or -, or nothing before the colon', () => {
    expect(parse('Bad Name: 1\n#C: 2\n-D: 3\n: 4\n').problems).toHaveLength(4);
  });

  it('keeps the first of duplicate fields, with its continuation lines', () => {
    expect(parse('A: 1\nA: 2\n two\nB: 3\n')).toEqual({
      stanzas: [[1, { a: '1', b: '3' }]],
      problems: ['line 2: duplicate field A; the first one is kept'],
    });
  });

  it('stops after maxStanzas paragraphs and caps fields per paragraph', () => {
    const many = 'A: 1\n\n'.repeat(10);
    const capped = parse(many, { maxStanzas: 3, maxFields: 2 });
    expect(capped.stanzas).toHaveLength(3);
    expect(capped.problems).toEqual(['more than 3 paragraphs; stopped reading at line 6']);
    expect(parse('A: 1\n\n'.repeat(3), { maxStanzas: 3, maxFields: 2 }).problems).toEqual([]);
    expect(parse('A: 1\nB: 2\nC: 3\n c\nD: 4\n', { maxStanzas: 3, maxFields: 2 })).toEqual({
      stanzas: [[1, { a: '1', b: '2' }]],
      problems: ['line 3: paragraph has more than 2 fields; the rest are ignored'],
    });
  });

  it('returns nothing for empty or blank input', () => {
    expect(parse('')).toEqual({ stanzas: [], problems: [] });
    expect(parse('\n\n\n')).toEqual({ stanzas: [], problems: [] });
  });
});
