/**
 * One Alpine secdb document, as parsed YAML or JSON, → its branch and packages. Two shapes:
 * - the secdb file (https://secdb.alpinelinux.org/, `v3.20/main.json` / the legacy `main.yaml`):
 *   `{ distroversion: "v3.11", reponame: "main", packages: [{ pkg: { name, secfixes } }] }`;
 * - one package per file, as the vuln-list mirror keeps it: `{ name, secfixes, distroversion: "3.20", reponame }`.
 * `secfixes` maps the first fixed apk version in that branch to the ids it fixes (`"0"`: never affected there).
 */

export interface SecdbPackage {
  /** The origin (source) package name. */
  name: string;
  secfixes: unknown;
  /** Where it is in the document, for messages: `packages[3]`. */
  at: string;
}

export type SecdbDocument = { ecosystem: string; repo?: string; packages: SecdbPackage[] } | { problem: string };

const MAX_PACKAGES = 100_000;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readSecdbDocument(value: unknown): SecdbDocument {
  if (!isObject(value)) return { problem: 'not an Alpine secdb document (expected an object)' };
  const ecosystem = alpineEcosystem(value['distroversion']);
  if (ecosystem === undefined) return { problem: `distroversion ${JSON.stringify(value['distroversion'] ?? null)} is not an Alpine release (v3.20, 3.20 or edge)` };
  const repo = typeof value['reponame'] === 'string' ? value['reponame'] : undefined;
  const withRepo = (packages: SecdbPackage[]): SecdbDocument => (repo === undefined ? { ecosystem, packages } : { ecosystem, repo, packages });

  if ('packages' in value) {
    const list = value['packages'];
    // An empty repository is written `packages:` (null) in the YAML.
    if (list === null || list === undefined || list === '') return withRepo([]);
    if (!Array.isArray(list)) return { problem: 'packages is not a list' };
    if (list.length > MAX_PACKAGES) return { problem: `${list.length} packages (at most ${MAX_PACKAGES} are read)` };
    return withRepo(list.map((item, i) => ({ name: packageName(isObject(item) && isObject(item['pkg']) ? item['pkg']['name'] : undefined), secfixes: isObject(item) && isObject(item['pkg']) ? item['pkg']['secfixes'] : undefined, at: `packages[${i}]` })));
  }
  if ('secfixes' in value) return withRepo([{ name: packageName(value['name']), secfixes: value['secfixes'], at: 'package' }]);
  return { problem: 'neither packages nor secfixes: not an Alpine secdb document' };
}

/** `v3.11` and `3.11` → `Alpine:v3.11` (OSV's form); `edge` → `Alpine:edge`. */
export function alpineEcosystem(distroversion: unknown): string | undefined {
  if (typeof distroversion !== 'string') return undefined;
  const text = distroversion.trim();
  if (text === 'edge') return 'Alpine:edge';
  const match = /^v?(\d{1,3})\.(\d{1,3})$/.exec(text);
  return match === null ? undefined : `Alpine:v${match[1]}.${match[2]}`;
}

/** The name as written, or '' when it is not a string (reported by the caller). */
function packageName(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}
