import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeOciLayout } from '../../test/fixtures/image-builder.js';
import { imageSource } from './open-source.js';
import { readMergedFiles } from './merged-files.js';

const dir = tempDir('grout-merged-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readMergedFiles', () => {
  it('applies layers bottom-up with whiteouts, opaque directories, replacements and hard links, reading only what is wanted', async () => {
    const layout = join(dir, 'layout');
    await writeOciLayout(layout, [
      {
        tag: 'x',
        layers: [
          {
            entries: [
              { path: 'etc/apt/sources.list', content: 'deb http://mirror.example/debian bookworm main\n' },
              { path: 'etc/apt/sources.list.d/old.list', content: 'old\n' },
              { path: 'etc/apt/sources.list.d/kept.list', content: 'kept\n' },
              { path: 'var/lib/dpkg/status', content: 'status v0\n' },
              { path: 'etc/apt/trusted.gpg.d/lower.gpg', content: 'lower key' },
              { path: 'usr/bin/big', content: Buffer.alloc(1 << 20) },
            ],
          },
          { entries: [{ path: 'etc/apt/sources.list.d/.wh.old.list', content: '' }, { path: 'var/lib/dpkg/status', content: 'status v1\n' }] },
          {
            entries: [
              { path: 'etc/apt/trusted.gpg.d/.wh..wh..opq', content: '' },
              { path: 'etc/apt/trusted.gpg.d/upper.gpg', content: 'upper key' },
              { path: 'etc/apt/sources.list', type: 'symlink', target: 'elsewhere' },
              { path: 'var/lib/dpkg/status-old', type: 'hardlink', target: 'var/lib/dpkg/status' },
            ],
          },
        ],
      },
    ]);
    const image = await imageSource(`oci:${layout}:x`).open();
    try {
      const files = await readMergedFiles(image, (p) => p.startsWith('etc/apt/') || p.startsWith('var/lib/dpkg/'));
      expect(Object.fromEntries([...files].map(([k, v]) => [k, v.toString()]))).toEqual({
        'etc/apt/sources.list.d/kept.list': 'kept\n',
        'etc/apt/trusted.gpg.d/upper.gpg': 'upper key',
        'var/lib/dpkg/status': 'status v1\n',
        'var/lib/dpkg/status-old': 'status v1\n',
      });
    } finally {
      await image.close();
    }
  });

  it('stops at the byte cap with a clear error', async () => {
    const layout = join(dir, 'big');
    await writeOciLayout(layout, [{ tag: 'x', layers: [{ entries: [{ path: 'var/lib/dpkg/status', content: Buffer.alloc(4096) }] }] }]);
    const image = await imageSource(`oci:${layout}:x`).open();
    try {
      await expect(readMergedFiles(image, () => true, { maxBytes: 1000 })).rejects.toMatchObject({ code: 'E_TOO_LARGE' });
    } finally {
      await image.close();
    }
  });
});
