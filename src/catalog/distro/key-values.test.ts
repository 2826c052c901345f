import { describe, expect, it } from 'vitest';
import { maxValueLength, parseKeyValues } from './key-values.js';

describe('parseKeyValues (os-release(5) syntax)', () => {
  it.each([
    ['ID=alpine', 'ID', 'alpine'],
    ['NAME="Fedora Linux"', 'NAME', 'Fedora Linux'],
    ["NAME='Fedora Linux'", 'NAME', 'Fedora Linux'],
    ['X="a \\"quoted\\" word"', 'X', 'a "quoted" word'],
    ['X="cost: \\$5, tick \\`, slash \\\\"', 'X', 'cost: $5, tick `, slash \\'],
    ['X="keeps \\n as written"', 'X', 'keeps \\n as written'],
    ["X='no \\\"escapes\\\" here'", 'X', 'no \\"escapes\\" here'],
    ['X=unquoted\\ space', 'X', 'unquoted space'],
    ['X="mixed"\'words\'plain', 'X', 'mixedwordsplain'],
    ['X=value # trailing comment', 'X', 'value'],
    ['X="value" # trailing comment', 'X', 'value'],
    ['  X=indented', 'X', 'indented'],
    ['X="crlf"\r', 'X', 'crlf'],
    ['export X=exported', 'X', 'exported'],
    ['X="unterminated', 'X', 'unterminated'],
    ['X=', 'X', ''],
    ['VERSION_CODENAME=""', 'VERSION_CODENAME', ''],
  ])('%j → %s=%j', (line, key, value) => {
    expect(parseKeyValues(line).get(key)).toBe(value);
  });

  it('ignores comments, blank lines and lines that are not assignments', () => {
    const values = parseKeyValues('# VERSION="20220412"\n\nnot an assignment\n=novalue\n1BAD=x\nBAD-KEY=x\nID=ok\n');
    expect([...values]).toEqual([['ID', 'ok']]);
  });

  it('lets a later assignment win, as a shell does', () => {
    expect(parseKeyValues('ID=a\nID=b').get('ID')).toBe('b');
  });

  it('drops absurdly long values and bounds the number of keys', () => {
    const long = `X="${'a'.repeat(maxValueLength + 1)}"\nID=ok`;
    expect([...parseKeyValues(long)]).toEqual([['ID', 'ok']]);
    const many = Array.from({ length: 10_000 }, (_, i) => `K${i}=v`).join('\n');
    expect(parseKeyValues(many).size).toBe(256);
  });

  it('survives binary garbage', () => {
    const junk = Buffer.from(Array.from({ length: 65_536 }, (_, i) => (i * 7919) % 256)).toString('utf8');
    expect(() => parseKeyValues(junk)).not.toThrow();
  });
});
