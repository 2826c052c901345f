import { isValidVersion } from '../pep440.js';
import { isNameChar, isValidName } from '../pypi-names.js';

/** A pinned requirement and the 1-based line it is on. */
export interface PinnedRequirement {
  name: string;
  version: string;
  line: number;
}

/** More lines than any requirements file has; the file cap bounds this too. */
const MAX_LINES = 1_000_000;

/**
 * The `name==version` pins of a pip requirements file (https://pip.pypa.io/en/stable/reference/requirements-file-format/),
 * read the way trivy's pip parser reads them so results compare:
 * - whitespace and backslashes are removed, the first `[extras]` is dropped, and the line is cut at `#` (comment),
 *   `;` (environment marker) and `--` (per-requirement options such as `--hash`);
 * - the name is the leading run of PEP 508 name characters; the version is the first comma-separated specifier that
 *   starts with `==`, and must be a valid PEP 440 version (so `==2.0.*` and `===x` are not pins);
 * - option lines (`-r other.txt`, `-c constraints.txt`, `-e .`, `--index-url …`) are ignored, never followed;
 *   unpinned requirements (`>=`, `~=`, none) and URLs (`name @ https://…`) are ignored too.
 * Continuation lines are not joined: a `\` only ends a line, and what follows is per-requirement options.
 */
export function parseRequirements(text: string): PinnedRequirement[] {
  const out: PinnedRequirement[] = [];
  let start = 0;
  for (let line = 1; start <= text.length && line <= MAX_LINES; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const pin = parsePin(text.slice(start, end));
    if (pin) out.push({ ...pin, line });
    start = end + 1;
  }
  return out;
}

function parsePin(raw: string): { name: string; version: string } | undefined {
  let line = raw.replace(/[\s\\]+/g, '');
  if (line === '' || line.startsWith('-')) return undefined;
  const open = line.indexOf('[');
  const close = open < 0 ? -1 : line.indexOf(']', open);
  if (open >= 0 && close > open) line = line.slice(0, open) + line.slice(close + 1);
  line = cutAt(cutAt(cutAt(line, '#'), ';'), '--');

  let nameEnd = 0;
  while (nameEnd < line.length && isNameChar(line.charCodeAt(nameEnd))) nameEnd++;
  const name = line.slice(0, nameEnd);
  const specs = line.slice(nameEnd);
  if (name === '' || specs === '') return undefined;
  const pinned = specs.split(',').find((spec) => spec.startsWith('=='));
  if (pinned === undefined) return undefined;
  const version = pinned.slice(2);
  if (!isValidName(name) || !isValidVersion(version)) return undefined;
  return { name, version };
}

function cutAt(line: string, marker: string): string {
  const at = line.indexOf(marker);
  return at < 0 ? line : line.slice(0, at);
}
