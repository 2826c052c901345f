/**
 * Every go.mod and go.sum case of ../shared/peer-fixtures/lang (trivy's parser tests), table-driven.
 * Deliberate divergences are listed in `divergences` and `outOfScope` with their reasons.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedPackage } from '../../../../core/model.js';
import { peerFixtures } from '../../../../../test/shared-data.js';
import type { FileExtractor } from '../../../extractor.js';
import { goModExtractor, goSumExtractor } from './index.js';

interface ExpectedPackage {
  name: string;
  version?: string;
  relationship?: string;
  [field: string]: unknown;
}
interface Expectation {
  name: string;
  options?: { replace?: boolean; useMinVersion?: boolean };
  packages: ExpectedPackage[];
}

/** Expectation fields we do not model, and why. */
const notModelled: Record<string, string> = {
  id: 'package ids are assigned by the catalog',
  external_references: 'trivy derives a VCS URL from the module path; the model has no external references',
};

/** Expectations whose trivy option we do not offer. */
const outOfScope: Record<string, string> = {
  'normal with stdlib': 'trivy option useMinVersion adds stdlib from the toolchain line; a go.mod states a minimum, not the toolchain that built anything',
  'no replace': 'trivy option replace=false; grout always applies replace directives, as the go command does',
};

/** Where we deliberately report differently from trivy: case → what we expect instead. */
const divergences: Record<string, { reason: string; add?: string[]; change?: Record<string, string> }> = {
  'go 1.16': {
    reason: 'trivy drops `// indirect` requirements of pre-1.17 go.mod files (its analyzer takes them from go.sum); they are still real requirements, so we keep them with direct: false',
    add: ['gopkg.in/yaml.v3@v3.0.0-20210107192922-496545a6307b'],
  },
  'replaced with local path': {
    reason: 'trivy drops a module replaced by a local directory; we report it as `(devel)` with replacedBy, as Go records it in the binary built from this go.mod',
    add: ['golang.org/x/xerrors@(devel)'],
  },
  'replaced with local path and version': {
    reason: 'as "replaced with local path"',
    add: ['golang.org/x/xerrors@(devel)'],
  },
};

function load(topic: string): { input: string; x: Expectation }[] {
  const root = peerFixtures('lang', topic, 'trivy');
  const doc = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as { inputs: { input: string; expectations: Expectation[] }[] };
  return doc.inputs.flatMap((i) => i.expectations.map((x) => ({ input: join(root, i.input), x })));
}

async function run(extractor: FileExtractor, file: string) {
  const issues: string[] = [];
  const packages = await extractor.extractFile({ path: 'src/app/go.mod', bytes: readFileSync(file), mode: 0o644 }, { issue: (_p, r) => issues.push(r) });
  return { packages, issues };
}

const key = (p: { name: string; version?: string }) => `${p.name}@${p.version ?? ''}`;
const meta = (p: ExtractedPackage) => (p.metadata?.kind === 'language' ? p.metadata : undefined);

describe('golang/mod against peer fixtures (trivy go.mod)', () => {
  const cases = load('go-mod');
  it('covers every case', () => {
    expect(cases.length).toBe(11);
    for (const name of Object.keys(outOfScope)) expect(cases.map((c) => c.x.name)).toContain(name);
  });

  it.each(cases.filter((c) => !outOfScope[c.x.name]).map((c) => [c.x.name, c] as const))('%s', async (name, { input, x }) => {
    const { packages, issues } = await run(goModExtractor, input);
    expect(issues).toEqual([]);
    for (const p of x.packages) for (const f of Object.keys(p)) {
      if (!['name', 'version', 'relationship'].includes(f) && !(f in notModelled)) throw new Error(`unknown expectation field ${f}`);
    }
    // The root module (relationship root, no version) is the project itself: not a package here.
    const expected = x.packages.filter((p) => p.relationship !== 'root');
    const divergence = divergences[name];
    const wanted = [...expected.map(key), ...(divergence?.add ?? [])].sort();
    expect(packages.map(key).sort()).toEqual(wanted);
    for (const p of packages) {
      const e = expected.find((q) => key(q) === key(p));
      if (e?.relationship) expect({ p: key(p), direct: meta(p)?.direct }).toEqual({ p: key(p), direct: e.relationship === 'direct' });
    }
  });

  it('replacements carry replacedBy', async () => {
    const root = peerFixtures('lang', 'go-mod', 'trivy');
    const { packages } = await run(goModExtractor, join(root, 'replaced', 'go.mod'));
    expect(meta(packages.find((p) => p.name === 'github.com/aquasecurity/go-dep-parser')!)).toEqual({
      kind: 'language',
      origin: 'declared',
      direct: true,
      replacedBy: 'github.com/aquasecurity/go-dep-parser',
    });
    const local = await run(goModExtractor, join(root, 'replaced-with-local-path', 'go.mod'));
    expect(meta(local.packages.find((p) => p.name === 'golang.org/x/xerrors')!)).toMatchObject({ replacedBy: './xerrors', direct: false });
  });
});

describe('golang/sum against peer fixtures (trivy go.sum)', () => {
  const cases = load('go-sum');
  it('covers every case', () => expect(cases.length).toBe(4));

  it.each(cases.map((c) => [c.x.name, c] as const))('%s', async (_name, { input, x }) => {
    const { packages, issues } = await run(goSumExtractor, input);
    expect(issues).toEqual([]);
    expect(packages.map(key).sort()).toEqual(x.packages.map(key).sort());
  });
});
