import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { GroutError } from './errors.js';

export type DigestAlgorithm = 'sha256' | 'sha512';

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
}

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };

/** Parse an OCI digest (`sha256:<64 hex>`); anything else is E_IMAGE_FORMAT naming where it came from. */
export function parseDigest(digest: unknown, where: string): ParsedDigest {
  if (typeof digest === 'string') {
    const colon = digest.indexOf(':');
    const algorithm = digest.slice(0, colon);
    const hex = digest.slice(colon + 1);
    if ((algorithm === 'sha256' || algorithm === 'sha512') && hex.length === HEX_LENGTH[algorithm] && /^[0-9a-f]+$/.test(hex)) {
      return { algorithm, hex };
    }
  }
  throw new GroutError('E_IMAGE_FORMAT', `${where}: invalid digest ${JSON.stringify(digest)}`, { file: where });
}

export function digestOf(bytes: Buffer | string, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Throws E_DIGEST_MISMATCH unless `bytes` hash to `expected`. */
export function verifyDigest(bytes: Buffer, expected: string, name: string): void {
  const { algorithm } = parseDigest(expected, name);
  const actual = digestOf(bytes, algorithm);
  if (actual !== expected) throw mismatch(name, expected, actual);
}

/**
 * A pass-through stream that hashes what flows through it and fails at the end when the digest differs, so a blob
 * is verified in the same single read that consumes it.
 */
export function digestVerifier(expected: string, name: string): Transform {
  const { algorithm } = parseDigest(expected, name);
  const hash = createHash(algorithm);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      const actual = `${algorithm}:${hash.digest('hex')}`;
      callback(actual === expected ? null : mismatch(name, expected, actual));
    },
  });
}

function mismatch(name: string, expected: string, actual: string): GroutError {
  return new GroutError('E_DIGEST_MISMATCH', `${name}: content does not match its digest (expected ${expected}, got ${actual})`, {
    file: name,
    hint: 'the image is corrupt or was modified after it was written',
  });
}
