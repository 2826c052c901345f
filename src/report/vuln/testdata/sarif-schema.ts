import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsPlugin from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

/**
 * The SARIF 2.1.0 schema (rtm.5, draft-04) as @microsoft/jest-sarif installs it; never copied into the repository.
 */
const require = createRequire(import.meta.url);

// Both packages are CommonJS with `exports.default`; under NodeNext the default import is the whole module.
type AjvConstructor = new (options: Record<string, unknown>) => { compile: (schema: object) => ValidateFunction };
const Ajv04 = ((AjvDraft04Module as unknown as { default?: unknown }).default ?? AjvDraft04Module) as unknown as AjvConstructor;
const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ?? addFormatsPlugin) as (ajv: unknown) => unknown;

let validator: ValidateFunction | undefined;

export function sarifValidator(): ValidateFunction {
  if (validator === undefined) {
    const path = join(dirname(require.resolve('@microsoft/jest-sarif/package.json')), 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
    const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    // unicodeRegExp off: the schema's `language` pattern (`…]?$`) is not a valid Unicode-mode regular expression.
    const ajv = new Ajv04({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  return validator;
}
