import { describe, expect, it } from 'vitest';
import type { FileExtractor } from './extractor.js';
import { decodeScannedLayer, encodeScannedLayer, LayerCodecError, LAYER_CODEC_VERSION } from './layer-codec.js';
import type { ScannedLayer } from './scan-layer.js';

const marker: FileExtractor = {
  name: 'test/marker',
  version: 1,
  maxFileBytes: 1024,
  wants: (path) => path.endsWith('.marker'),
  extractFile: () => [],
};
const extractors = new Map([['test/marker@1', marker]]);

function sample(): ScannedLayer {
  const status = Buffer.from('Package: a\nVersion: 1\n');
  return {
    ref: { index: 2, diffId: `sha256:${'a'.repeat(64)}` },
    changes: [
      { kind: 'opaque', path: 'etc/opaque' },
      { kind: 'whiteout', path: 'usr/bin/gone' },
      { kind: 'node', path: 'usr', type: 'dir', mode: 0o755, size: 0 },
      { kind: 'node', path: 'usr/bin/tool', type: 'file', mode: 0o755, size: 9 },
      { kind: 'node', path: 'bin', type: 'symlink', mode: 0o777, size: 0, linkTarget: 'usr/bin' },
      { kind: 'node', path: 'var/lib/dpkg/status', type: 'file', mode: 0o644, size: status.length },
      { kind: 'node', path: 'var/lib/dpkg/status-link', type: 'hardlink', mode: 0o644, size: 0, linkTarget: 'var/lib/dpkg/status' },
      { kind: 'node', path: 'dev/null', type: 'other', mode: 0o666, size: 0 },
      { kind: 'node', path: 'app/x.marker', type: 'file', mode: 0o644, size: 3 },
      { kind: 'node', path: 'empty', type: 'file', mode: 0o644, size: 0 },
      { kind: 'node', path: 'ünïcode/\u{1F600} name', type: 'file', mode: 0o600, size: 1 },
    ],
    contents: new Map([
      ['var/lib/dpkg/status', status],
      ['var/lib/dpkg/status-link', status],
      ['empty', Buffer.alloc(0)],
      ['ünïcode/\u{1F600} name', Buffer.from('z')],
    ]),
    found: new Map([
      ['app/x.marker', [{ extractor: marker, packages: [{ ecosystem: 'npm', name: 'x', version: '1.0.0', licenses: ['MIT'], evidence: 'app/x.marker', metadata: { kind: 'npm' } as never }] }]],
    ]),
    executables: new Map([['usr/bin/tool', { format: 'elf', elfType: 'executable', machine: 'x86-64', sha256: 'f'.repeat(64) }]]),
    issues: [
      { path: 'big.marker', layer: 2, stage: 'test/marker@1', reason: 'file of 5000 bytes exceeds the 1024-byte limit; not read' },
      { path: 'blob', stage: 'image', reason: 'no layer' },
    ],
  };
}

describe('layer codec', () => {
  it('gives back the scanned layer it encoded, stamped with the layer position of the image being read', () => {
    const layer = sample();
    const ref = { index: 5, diffId: layer.ref.diffId, digest: `sha256:${'b'.repeat(64)}` };
    const decoded = decodeScannedLayer(encodeScannedLayer(layer), ref, extractors);
    expect(decoded.ref).toBe(ref);
    expect(decoded.changes).toEqual(layer.changes);
    expect(decoded.contents).toEqual(layer.contents);
    // Hard links keep sharing one buffer, as a fresh pass gives them.
    expect(decoded.contents.get('var/lib/dpkg/status')).toBe(decoded.contents.get('var/lib/dpkg/status-link'));
    expect(decoded.found.get('app/x.marker')![0]!.extractor).toBe(marker);
    expect(decoded.found).toEqual(layer.found);
    expect(decoded.executables).toEqual(layer.executables);
    expect(decoded.issues).toEqual([{ ...layer.issues[0]!, layer: 5 }, layer.issues[1]]);
    // Key order is that of a fresh pass, so JSON output stays byte-identical.
    expect(JSON.stringify(decoded.issues[0])).toBe(JSON.stringify({ ...layer.issues[0]!, layer: 5 }));
    expect(JSON.stringify(decoded.changes)).toBe(JSON.stringify(layer.changes));
  });

  it('encodes an empty layer', () => {
    const empty: ScannedLayer = { ref: { index: 0, diffId: 'sha256:0' }, changes: [], contents: new Map(), found: new Map(), executables: new Map(), issues: [] };
    expect(decodeScannedLayer(encodeScannedLayer(empty), empty.ref, extractors)).toEqual(empty);
  });

  it('rejects every truncation, a wrong magic or version, and bad JSON with LayerCodecError', () => {
    const layer = sample();
    const bytes = encodeScannedLayer(layer);
    const jsonEnd = 16 + bytes.readUInt32BE(12);
    for (let cut = 0; cut < jsonEnd; cut++) {
      expect(() => decodeScannedLayer(bytes.subarray(0, cut), layer.ref, extractors), `cut at ${cut}`).toThrow(LayerCodecError);
    }
    const wrongMagic = Buffer.from(bytes);
    wrongMagic[0] = 0x21;
    expect(() => decodeScannedLayer(wrongMagic, layer.ref, extractors)).toThrow(LayerCodecError);
    const wrongVersion = Buffer.from(bytes);
    wrongVersion.writeUInt32BE(LAYER_CODEC_VERSION + 1, 8);
    expect(() => decodeScannedLayer(wrongVersion, layer.ref, extractors)).toThrow(/format/);
    const badJson = Buffer.from(bytes);
    badJson[16] = 0x20;
    badJson[17] = 0x7b;
    expect(() => decodeScannedLayer(badJson, layer.ref, extractors)).toThrow(LayerCodecError);
    // Contents whose bytes were cut off.
    expect(() => decodeScannedLayer(bytes.subarray(0, bytes.length - 1), layer.ref, extractors)).toThrow(/content/);
  });

  it('rejects well-formed JSON of the wrong shape', () => {
    const layer = sample();
    const bytes = encodeScannedLayer(layer);
    const json = JSON.parse(bytes.toString('utf8', 16, 16 + bytes.readUInt32BE(12))) as Record<string, unknown>;
    const tamper = (change: (j: Record<string, unknown>) => void): Buffer => {
      const copy = structuredClone(json);
      change(copy);
      const text = Buffer.from(JSON.stringify(copy));
      const head = Buffer.from(bytes.subarray(0, 16));
      head.writeUInt32BE(text.length, 12);
      return Buffer.concat([head, text, bytes.subarray(16 + bytes.readUInt32BE(12))]);
    };
    const cases: [string, (j: Record<string, unknown>) => void][] = [
      ['not an object', (j) => Object.keys(j).forEach((k) => delete j[k])],
      ['kinds too short', (j) => (j['kinds'] = (j['kinds'] as string).slice(1))],
      ['unknown kind', (j) => (j['kinds'] = `x${(j['kinds'] as string).slice(1)}`)],
      ['negative mode', (j) => ((j['modes'] as number[])[0] = -1)],
      ['string size', (j) => ((j['sizes'] as unknown[])[0] = '1')],
      ['missing sizes', (j) => (j['sizes'] = (j['sizes'] as number[]).slice(1))],
      ['link past the end', (j) => (j['links'] as unknown[]).push([99, 'x'])],
      ['content out of range', (j) => ((j['contents'] as unknown[][])[0]![1] = 1e9)],
      ['unknown extractor', (j) => ((j['found'] as unknown[][][][])[0]![1]![0]![0] = 'test/marker@2')],
      ['package without name', (j) => delete ((j['found'] as unknown[][][][])[0]![1]![0]![1] as Record<string, unknown>[])[0]!['name']],
      ['bad executable', (j) => ((j['executables'] as unknown[][])[0]![1] = { format: 'pe' })],
      ['bad issue', (j) => ((j['issues'] as unknown[])[0] = { path: 1 })],
      ['paths not an array', (j) => (j['paths'] = 'x')],
    ];
    expect(decodeScannedLayer(tamper(() => {}), layer.ref, extractors).changes).toEqual(layer.changes);
    for (const [name, change] of cases) {
      expect(() => decodeScannedLayer(tamper(change), layer.ref, extractors), name).toThrow(LayerCodecError);
    }
  });
});
