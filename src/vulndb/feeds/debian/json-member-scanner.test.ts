import { describe, expect, it } from 'vitest';
import { type MemberLimits, type ScannedMember, scanObjectMembers } from './json-member-scanner.js';

const LIMITS: MemberLimits = { maxKeyBytes: 64, maxValueBytes: 1024, maxStringBytes: 100, maxDepth: 4 };

async function scan(text: string | Buffer, chunkSize = 1 << 20, limits = LIMITS): Promise<ScannedMember[]> {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  const out: ScannedMember[] = [];
  for await (const member of scanObjectMembers(chunks(), 'doc.json', limits)) out.push(member);
  return out;
}

describe('scanObjectMembers', () => {
  const doc = '\ufeff { "a\\"b" : {"x": [1, "}\\"{", {"y": null}]}, "c": "str,}", "d": -1.5e3 , "é": true, "e": [] }\n';
  const expected = [
    { key: 'a"b', value: { x: [1, '}"{', { y: null }] } },
    { key: 'c', value: 'str,}' },
    { key: 'd', value: -1500 },
    { key: 'é', value: true },
    { key: 'e', value: [] },
  ];

  it('yields each member of the top-level object, whatever the chunk boundaries', async () => {
    expect(await scan(doc)).toEqual(expected);
    for (let size = 1; size <= 9; size++) expect(await scan(doc, size)).toEqual(expected);
  });

  it('reads an empty object', async () => {
    expect(await scan(' {} ')).toEqual([]);
  });

  it('reports members over the caps and goes on', async () => {
    const members = await scan(`{"long": "${'x'.repeat(200)}", "deep": [[[[[1]]]]], "big": [${'1,'.repeat(600)}1], "ok": 1}`, 7);
    expect(members).toEqual([
      { key: 'long', error: 'a string longer than 100 bytes' },
      { key: 'deep', error: 'nested deeper than 4' },
      { key: 'big', error: 'a value larger than 1024 bytes' },
      { key: 'ok', value: 1 },
    ]);
  });

  it('throws E_FEED_FORMAT for structural errors and truncation', async () => {
    for (const text of ['', '[]', '{"a" 1}', '{"a": 1,}', '{"a": 1 "b": 2}', '{"a": {"b": 1}', '{"a": 1', '{"a": "x', '{"a": 1} x', `{"${'k'.repeat(100)}": 1}`, '{:1}']) {
      await expect(scan(text), text).rejects.toMatchObject({ code: 'E_FEED_FORMAT', file: 'doc.json' });
    }
  });

  it('reports a member that the scanner can delimit but JSON cannot parse', async () => {
    expect(await scan('{"a": {"b": tru}, "c": [1}, "d": 2}')).toEqual([
      { key: 'a', error: expect.stringMatching(/^not valid JSON/) as unknown },
      { key: 'c', error: expect.stringMatching(/^not valid JSON/) as unknown },
      { key: 'd', value: 2 },
    ]);
  });
});
