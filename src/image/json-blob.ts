import { verifyDigest } from '../core/digest.js';
import { GroutError } from '../core/errors.js';
import type { BlobFs } from './blob-fs.js';

/** Manifests, indexes and configs are small; anything above this is refused rather than buffered. */
export const MAX_JSON_BYTES = 8 * 1024 * 1024;

/** Read a JSON file of an image container, verifying its digest when one is known. */
export async function readJsonBlob(fs: BlobFs, path: string, digest?: string): Promise<unknown> {
  const where = `${fs.name}:${path}`;
  if (!(await fs.has(path))) {
    throw new GroutError('E_IMAGE_FORMAT', `${where} is missing`, {
      file: where,
      hint: 'the image refers to a blob that is not in the archive or layout',
    });
  }
  const bytes = await fs.readFile(path, MAX_JSON_BYTES);
  if (digest !== undefined) verifyDigest(bytes, digest, where);
  return parseJson(bytes, where);
}

export function parseJson(bytes: Buffer, where: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw new GroutError('E_IMAGE_FORMAT', `${where} is not valid JSON: ${(cause as Error).message}`, { file: where, cause });
  }
}

/** Narrow an unknown JSON value to an object, or fail naming the file and what was expected. */
export function asObject(value: unknown, where: string, what: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new GroutError('E_IMAGE_FORMAT', `${where}: ${what} is not a JSON object`, { file: where });
}

export function asArray(value: unknown, where: string, what: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new GroutError('E_IMAGE_FORMAT', `${where}: ${what} is not a JSON array`, { file: where });
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
