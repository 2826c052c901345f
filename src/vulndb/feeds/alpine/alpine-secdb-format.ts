/**
 * The Alpine secdb feed format: secdb documents in YAML (the legacy `v3.11/main.yaml`) or JSON (`v3.20/main.json`),
 * and one-package JSON files as the vuln-list mirror keeps them (`3.20/main/openssl.json`), as one file or a
 * directory of them (recursive, sorted). Secfixes are gathered over the whole input and yielded as one advisory
 * per id (see `secfix-collector.ts`); Alpine's whole secdb is a few MB, so holding it while gathering is fine.
 *
 * Ecosystem `Alpine:v<major>.<minor>` from `distroversion`; name = the origin package; a `"0"` key means the
 * branch was never affected (`not-affected`, no ranges).
 */
import { readFile, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { GroutError } from '../../../core/errors.js';
import type { FeedItem } from '../../advisory.js';
import type { FeedFormatHandler, FeedInput, ParseContext } from '../../feed.js';
import { readHeadSync, sampleFilesSync, walkFiles } from '../osv/directory-walk.js';
import { readSecdbDocument } from './secdb-document.js';
import { SecfixCollector } from './secfix-collector.js';

export const ALPINE_FORMAT_LIMITS = {
  /** One secdb file; the largest real one (edge/community.json) is well under 2 MB. */
  fileBytes: 64 * 1024 * 1024,
  directoryFiles: 100_000,
  directoryDepth: 8,
} as const;

export const alpineSecdbFormat: FeedFormatHandler = {
  format: 'alpine-secdb',
  version: 1,
  sniff: sniffAlpineSecdb,
  parse: parseAlpineSecdb,
};

const isSecdbFileName = (name: string): boolean => /\.(ya?ml|json)$/i.test(name);

/** A JSON or YAML key at a line start or after `{`/`,` (not inside a string). */
const key = (name: string): RegExp => new RegExp(`(?:^|[{,\\s])"?${name}"?\\s*:`, 'm');
const SECFIXES = key('secfixes');
const DISTROVERSION = key('distroversion');
const PACKAGES = key('packages');

export function sniffAlpineSecdb(path: string, head: Uint8Array, isDirectory: boolean): boolean {
  try {
    if (isDirectory) {
      // A sample of the candidate files must all be secdb documents: a mixed folder is not claimed.
      const files = sampleFilesSync(path, isSecdbFileName);
      return files.length > 0 && files.every((file) => looksLikeSecdb(readHeadSync(file, 4096).toString('utf8')));
    }
    return isSecdbFileName(path) && looksLikeSecdb(Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8'));
  } catch {
    return false;
  }
}

function looksLikeSecdb(text: string): boolean {
  return SECFIXES.test(text) || (DISTROVERSION.test(text) && PACKAGES.test(text));
}

async function* parseAlpineSecdb(input: FeedInput, context: ParseContext): AsyncGenerator<FeedItem> {
  const info = await stat(input.path).catch((error: unknown) => {
    throw new GroutError('E_IO', `${input.label}: cannot read: ${(error as Error).message}`, { file: input.label, cause: error });
  });
  const collector = new SecfixCollector();
  if (info.isDirectory()) {
    const walk = walkFiles(input.path, input.label, {
      select: isSecdbFileName,
      maxFiles: ALPINE_FORMAT_LIMITS.directoryFiles,
      maxDepth: ALPINE_FORMAT_LIMITS.directoryDepth,
      ...(context.signal === undefined ? {} : { signal: context.signal }),
    });
    for await (const item of walk) {
      const where = `${input.label}/${item.relative.split(sep).join('/')}`;
      if ('problem' in item) {
        yield { type: 'skipped', where, reason: item.problem };
        continue;
      }
      const read = await readDocument(item.path);
      if ('problem' in read) {
        yield { type: 'skipped', where, reason: read.problem };
        continue;
      }
      yield* addDocument(collector, read.value, where);
    }
  } else {
    const read = await readDocument(input.path);
    if ('problem' in read) throw new GroutError('E_FEED_FORMAT', `${input.label}: ${read.problem}`, { file: input.label });
    const document = readSecdbDocument(read.value);
    if ('problem' in document) throw new GroutError('E_FEED_FORMAT', `${input.label}: ${document.problem}`, { file: input.label });
    yield* addDocument(collector, read.value, input.label);
  }
  for (const advisory of collector.advisories(context.feed)) {
    context.signal?.throwIfAborted();
    yield { type: 'advisory', advisory };
  }
}

function* addDocument(collector: SecfixCollector, value: unknown, where: string): Generator<FeedItem> {
  const document = readSecdbDocument(value);
  if ('problem' in document) {
    yield { type: 'skipped', where, reason: document.problem };
    return;
  }
  for (const pkg of document.packages) yield* collector.add(document.ecosystem, pkg, where);
}

/** The parsed file: JSON by its name, else YAML with every scalar a string (`1.10` must not become 1.1). */
async function readDocument(path: string): Promise<{ value: unknown } | { problem: string }> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.size > ALPINE_FORMAT_LIMITS.fileBytes) return { problem: `${info.size} bytes is larger than a secdb file may be (${ALPINE_FORMAT_LIMITS.fileBytes})` };
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { problem: `cannot read: ${(error as Error).message}` };
  }
  try {
    if (/\.json$/i.test(path)) return { value: JSON.parse(text) as unknown };
    return { value: parseYaml(text, { schema: 'failsafe', maxAliasCount: 100, prettyErrors: false }) as unknown };
  } catch (error) {
    return { problem: `not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n', 1)[0] ?? ''}` };
  }
}
