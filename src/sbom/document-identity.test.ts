import { describe, expect, it } from 'vitest';
import type { ImageDescription } from '../core/model.js';
import { EPOCH_TIMESTAMP, documentTimestamp, imageIdentity, uuidFromName, uuidV5 } from './document-identity.js';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function image(extra: Partial<ImageDescription>): ImageDescription {
  return { reference: 'ref', transport: 'rootfs', tags: [], layers: [], labels: {}, ...extra };
}

describe('imageIdentity', () => {
  it('prefers the manifest digest, then the config digest, then the layers, then the reference', () => {
    const layers = [
      { index: 0, diffId: 'sha256:aa' },
      { index: 1, diffId: 'sha256:bb' },
    ];
    expect(imageIdentity(image({ manifestDigest: 'sha256:m', configDigest: 'sha256:c', layers }))).toBe('manifest:sha256:m');
    expect(imageIdentity(image({ configDigest: 'sha256:c', layers }))).toBe('config:sha256:c');
    expect(imageIdentity(image({ layers }))).toBe('layers:sha256:aa,sha256:bb');
    expect(imageIdentity(image({}))).toBe('reference:ref');
  });
});

describe('uuidFromName', () => {
  it('is a version 5, RFC 4122 variant UUID, stable for a name and different across names', () => {
    const a = uuidFromName('cyclonedx|manifest:sha256:m');
    expect(a).toMatch(UUID_V5);
    expect(uuidFromName('cyclonedx|manifest:sha256:m')).toBe(a);
    expect(uuidFromName('spdx|manifest:sha256:m')).not.toBe(a);
  });

  it('is pinned: changing it changes every serial number grout ever wrote', () => {
    // Cross-checked with Python: uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, 'urn:grout'), name).
    expect(uuidFromName('cyclonedx|manifest:sha256:m')).toBe('b95e568d-8a2d-5141-a125-7d041d7f370f');
  });

  it('implements RFC 4122 version 5 (the well-known DNS example)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});

describe('documentTimestamp', () => {
  it.each([
    ['2024-06-10T21:42:07.123456789Z', '2024-06-10T21:42:07Z'],
    ['2024-06-10T21:42:07Z', '2024-06-10T21:42:07Z'],
    ['2024-01-27T00:51:38+01:00', '2024-01-26T23:51:38Z'],
    ['2023-12-31T23:30:00-01:00', '2024-01-01T00:30:00Z'],
    ['2024-02-29t10:00:00z', '2024-02-29T10:00:00Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00Z'],
  ])('%s → %s', (created, expected) => {
    expect(documentTimestamp(created)).toBe(expected);
  });

  it.each([undefined, '', 'last tuesday', '2024-06-10', '2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T25:00:00Z', '2024-01-01 00:00:00Z'])(
    '%j falls back to the epoch',
    (created) => {
      expect(documentTimestamp(created)).toBe(EPOCH_TIMESTAMP);
    },
  );
});
