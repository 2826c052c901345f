import { describe, expect, it } from 'vitest';
import { readString, readStringArray, readStringOrArray } from './ruby-literal.js';

describe('ruby literals', () => {
  it.each([
    ['"rake".freeze', 'rake'],
    ['  "rake"', 'rake'],
    ["'it''s'", 'it'],
    ["'a\\'b\\\\c\\n'", "a'b\\c\\n"],
    ['"Andr\\u00E9"', 'André'],
    ['"\\u{1F600 41}"', '😀A'],
    ['"tab\\there\\"q\\" \\#{x}"', 'tab\there"q" #{x}'],
    ['"\\x41\\e"', 'A\u001b'],
    ['%q<power_assert>.freeze', 'power_assert'],
    ['%q{a{b}c}', 'a{b}c'],
    ['%Q(x\\ty)', 'x\ty'],
    ['%q|pipe|', 'pipe'],
  ])('%s → %j', (text, value) => {
    expect(readString(text, 0)?.value).toBe(value);
  });

  it.each([['"unterminated'], ["'open"], ['%q<open'], ['%w<a b>'], ['%qa'], ['name'], ['"\\u12"'], ['"\\u{110000}"'], ['"\\x"'], ['"trailing\\']])(
    '%s is not a literal',
    (text) => {
      expect(readString(text, 0)).toBeUndefined();
    },
  );

  it('reads where the literal ends, after .freeze', () => {
    expect(readString('"a".freeze # c', 0)).toEqual({ value: 'a', end: 10 });
  });

  it('arrays', () => {
    expect(readStringArray('["Ruby".freeze,"BSDL".freeze, %q<PSFL>]', 0)?.value).toEqual(['Ruby', 'BSDL', 'PSFL']);
    expect(readStringArray('[ ]', 0)?.value).toEqual([]);
    expect(readStringArray('["a", b]', 0)).toBeUndefined();
    expect(readStringArray('["a"', 0)).toBeUndefined();
    expect(readStringOrArray('"MIT"', 0)?.value).toEqual(['MIT']);
  });

  it('bounds the work on hostile lines', () => {
    const long = `"${'a'.repeat(1_000_000)}"`;
    expect(readString(long, 0)).toBeUndefined();
    const many = `[${'"a",'.repeat(100_000)}"a"]`;
    expect(readStringArray(many, 0)).toBeUndefined();
    const nested = `%q<${'<'.repeat(100_000)}`;
    expect(readString(nested, 0)).toBeUndefined();
  });
});
