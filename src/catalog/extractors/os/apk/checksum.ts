/**
 * apk checksums, as apk-tools reads them (blob.c, apk_blob_pull_csum):
 * - `Q1` + base64 → SHA-1 (what every current database writes for `C:` and `Z:`);
 * - `X1` + hex → SHA-1 (the same digest hex-encoded; rare);
 * - 32 hex digits without a prefix → MD5 (databases from before 2009, kept for backwards compatibility).
 * `Q2`/`X2` are read as SHA-256 when they decode to 32 bytes, for forward compatibility with newer tools. Anything
 * else (an unknown prefix, bad base64, the wrong length) gives undefined: the caller reports it and keeps the file
 * without a digest.
 */
import type { FileDigest } from '../../../../core/model.js';

const lengths: Readonly<Record<string, { algorithm: FileDigest['algorithm']; bytes: number }>> = {
  '1': { algorithm: 'sha1', bytes: 20 },
  '2': { algorithm: 'sha256', bytes: 32 },
};

/** Decode an apk checksum (`Q1…=`) to a hex digest; undefined when it is not one apk-tools would accept. */
export function apkDigest(raw: string): FileDigest | undefined {
  const value = raw.trim();
  if (/^[0-9a-fA-F]{32}$/u.test(value)) return { algorithm: 'md5', value: value.toLowerCase() };
  if (value.length < 3 || value.length > 128) return undefined;
  const kind = lengths[value[1]!];
  if (kind === undefined) return undefined;
  const body = value.slice(2);
  let bytes: Buffer;
  if (value[0] === 'Q') {
    if (!/^[A-Za-z0-9+/]+={0,2}$/u.test(body) || body.length % 4 !== 0) return undefined;
    bytes = Buffer.from(body, 'base64');
  } else if (value[0] === 'X') {
    if (!/^[0-9a-fA-F]+$/u.test(body)) return undefined;
    bytes = Buffer.from(body, 'hex');
  } else {
    return undefined;
  }
  if (bytes.length !== kind.bytes) return undefined;
  return { algorithm: kind.algorithm, value: bytes.toString('hex') };
}
