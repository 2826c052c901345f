import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';

/**
 * The official JSON schemas, loaded from where they are installed (never copied into the repository):
 * - CycloneDX 1.6 with the schemas it references, from @cyclonedx/cyclonedx-library's res/schema;
 * - SPDX 2.3 (spdx-spec tag v2.3, schemas/spdx-schema.json) from the file named by GROUT_SPDX_SCHEMA: no npm
 *   package ships it, so CI points the variable at a copy it fetched itself. Undefined when the variable is unset;
 *   the file must be that exact release (sha256 pinned below).
 */

const SPDX_23_SCHEMA_SHA256 = '239208b7ac287b3cf5d9a9af23f9d69863971102a5e1587a27a398b43490b89b';

const require = createRequire(import.meta.url);
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function cycloneDxSchemaDir(): string {
  return join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the whole module.
const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ?? addFormatsPlugin) as (ajv: Ajv) => Ajv;

function newAjv(schemas: Record<string, Record<string, unknown>>): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, schemas });
  addFormats(ajv);
  // Formats the CycloneDX schema names that ajv-formats does not implement; checked by the encoder tests instead.
  ajv.addFormat('idn-email', true);
  ajv.addFormat('iri-reference', true);
  return ajv;
}

let cycloneDx: ValidateFunction | undefined;

export function cycloneDxValidator(): ValidateFunction {
  if (cycloneDx === undefined) {
    const dir = cycloneDxSchemaDir();
    // bom-1.6 refers to its siblings by their SNAPSHOT file names, relative to its own $id.
    const ajv = newAjv({
      'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json': readJson(join(dir, 'spdx.SNAPSHOT.schema.json')),
      'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json': readJson(join(dir, 'jsf-0.82.SNAPSHOT.schema.json')),
      'http://cyclonedx.org/schema/cryptography-defs.SNAPSHOT.schema.json': readJson(join(dir, 'cryptography-defs.SNAPSHOT.schema.json')),
    });
    cycloneDx = ajv.compile(readJson(join(dir, 'bom-1.6.SNAPSHOT.schema.json')));
  }
  return cycloneDx;
}

let spdx: ValidateFunction | undefined;

/** `$GROUT_SPDX_SCHEMA`, else `<shared>/schemas/spdx-2.3/spdx-schema.json` when the shared data has it. */
export function spdxSchemaPath(): string | undefined {
  const path = process.env['GROUT_SPDX_SCHEMA'];
  if (path) return path;
  const shared = join(process.env['GROUT_SHARED_DIR'] ?? join(projectRoot, '..', 'shared'), 'schemas', 'spdx-2.3', 'spdx-schema.json');
  return existsSync(shared) ? shared : undefined;
}

export function spdxValidator(): ValidateFunction | undefined {
  const path = spdxSchemaPath();
  if (path === undefined) return undefined;
  if (spdx === undefined) {
    const bytes = readFileSync(path);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== SPDX_23_SCHEMA_SHA256) {
      throw new Error(`GROUT_SPDX_SCHEMA=${path} is not spdx-spec v2.3 schemas/spdx-schema.json (sha256 ${sha256})`);
    }
    spdx = newAjv({}).compile(JSON.parse(bytes.toString('utf8')) as Record<string, unknown>);
  }
  return spdx;
}

export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}
