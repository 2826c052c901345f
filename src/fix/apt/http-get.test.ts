import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { downloadVerified, httpGet, redactUrl } from './http-get.js';

const dir = mkdtempSync(join(tmpdir(), 'grout-http-get-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('httpGet and downloadVerified over file: URLs (air-gapped mirrors)', () => {
  const body = Buffer.from('Package: x\n');
  const file = join(dir, 'Packages');
  writeFileSync(file, body);
  const url = pathToFileURL(file).toString();

  it('reads a file, says absent for a missing one, and caps the size', async () => {
    expect(await httpGet(url)).toEqual(body);
    expect(await httpGet(pathToFileURL(join(dir, 'absent')).toString())).toBeUndefined();
    await expect(httpGet(url, { maxBytes: 3 })).rejects.toMatchObject({ code: 'E_TOO_LARGE' });
    await expect(httpGet('ftp://x/y')).rejects.toMatchObject({ code: 'E_USAGE', message: 'unsupported repository URL scheme ftp: in ftp://x/y' });
  });

  it('checks size and sha256 and removes what it wrote on a mismatch', async () => {
    const sha256 = createHash('sha256').update(body).digest('hex');
    const target = join(dir, 'copy');
    await downloadVerified(url, target, { size: body.length, sha256 });
    expect(existsSync(target)).toBe(true);
    const bad = join(dir, 'bad');
    await expect(downloadVerified(url, bad, { size: body.length, sha256: '0'.repeat(64) })).rejects.toMatchObject({ code: 'E_DIGEST_MISMATCH' });
    expect(existsSync(bad)).toBe(false);
    await expect(downloadVerified(url, bad, { size: body.length - 1, sha256 })).rejects.toMatchObject({ code: 'E_DIGEST_MISMATCH', message: `${url} is longer than the ${body.length - 1} bytes the signed index says` });
    await expect(downloadVerified(url, bad, { size: body.length + 1, sha256 })).rejects.toMatchObject({ code: 'E_DIGEST_MISMATCH', message: `${url} is ${body.length} bytes; the signed index says ${body.length + 1}` });
  });

  it('never shows credentials', () => {
    expect(redactUrl('https://user:secret@mirror.test/debian')).toBe('https://mirror.test/debian');
  });
});
