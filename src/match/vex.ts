/**
 * Reading VEX documents: OpenVEX or CycloneDX VEX JSON, told apart by their own markers (`@context` naming
 * openvex; `bomFormat: CycloneDX`). Anything else is an E_INPUT_FORMAT error naming the file.
 */
import { readFile } from 'node:fs/promises';
import { GroutError } from '../core/errors.js';
import { isCycloneDx, parseCycloneDxVex } from './cyclonedx-vex.js';
import { isOpenVex, parseOpenVex } from './openvex.js';
import { isRecord, vexError, type VexDocument } from './vex-document.js';

const MAX_FILE_BYTES = 64 << 20;

export async function readVexDocument(path: string): Promise<VexDocument> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new GroutError('E_IO', `cannot read VEX document ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { file: path, cause });
  }
  if (bytes.length > MAX_FILE_BYTES) throw vexError(path, `is larger than ${MAX_FILE_BYTES} bytes`);
  return parseVexDocument(bytes.toString('utf8'), path);
}

/**
 * @example
 * const doc = parseVexDocument(text, 'app.openvex.json');
 * doc.statements[0]; // { ids: ['CVE-2021-44228'], status: 'not_affected', justification: '…', products: [...] }
 */
export function parseVexDocument(text: string, source: string): VexDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (cause) {
    throw vexError(source, `is not JSON: ${(cause as Error).message}`, cause);
  }
  if (!isRecord(doc)) throw vexError(source, 'must be a JSON object');
  if (isOpenVex(doc)) return parseOpenVex(doc, source);
  if (isCycloneDx(doc)) return parseCycloneDxVex(doc, source);
  throw vexError(source, 'is neither OpenVEX (an @context naming openvex) nor CycloneDX (bomFormat "CycloneDX")');
}
