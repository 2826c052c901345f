/**
 * Every case of ../shared/peer-fixtures/os-release, table-driven from its JSON files:
 * - trivy's OS analyzers (expected.json): each input analysed at its in-image path, mapped to trivy's
 *   (family, name) by `trivyFamily`; `null` and error cases must give undefined;
 * - syft's TestIdentifyRelease (syft-identify-release.json): each rootfs detected as a whole and compared on every
 *   Release field the Distro model has.
 * Deliberate differences are listed below with their reason; nothing is skipped silently.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Distro } from '../../core/model.js';
import { viewOfDirectory, viewOfFiles } from '../../../test/memory-view.js';
import { peerFixtures } from '../../../test/shared-data.js';
import { detectDistro, distroWants, trivyFamily } from './index.js';

const root = peerFixtures('os-release');

interface TrivyCase {
  name: string;
  analyzer: string;
  input_file?: string;
  analyzed_as?: string;
  input_inline?: { path: string; content: string };
  expected: { family: string; name: string } | null;
  expect_error?: string | boolean;
}

const trivy = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as { cases: TrivyCase[] };

/**
 * Cases where trivy reports no OS but grout does identify one: trivy drops what it cannot scope advisories to,
 * while `detectDistro` reports what the image says; `trivyFamily` applies trivy's rule on top. Keyed by input.
 */
const identifiedWithoutTrivyOs: Record<string, { distro: Partial<Distro>; reason: string }> = {
  'files/release/unknown': {
    distro: { id: 'unknown', versionId: '4.3.2' },
    reason: 'an unknown ID is still the distro the image names; trivy has no family for it',
  },
  'files/release/no-version': {
    distro: { id: 'alpine', name: 'Alpine Linux' },
    reason: 'rolling or partial releases have no VERSION_ID (syft keeps them, e.g. Arch); trivy needs a version',
  },
  'files/release/no-id': {
    distro: { id: 'linux', versionId: '3.15.4', name: 'Alpine Linux' },
    reason: 'os-release(5): "If not set, a default of ID=linux may be used"; trivy needs a known ID',
  },
  'etc/system-release:Amazon Linux release 2': {
    distro: { id: 'amzn', versionId: '2' },
    reason: 'the line names Amazon Linux 2 clearly; trivy refuses a release line without a codename',
  },
};

function trivyInput(c: TrivyCase): { path: string; content: Buffer; key: string } {
  if (c.input_inline) {
    return { path: c.input_inline.path, content: Buffer.from(c.input_inline.content), key: `${c.input_inline.path}:${c.input_inline.content}` };
  }
  if (c.input_file === undefined || c.analyzed_as === undefined) throw new Error(`case ${c.name} has no input`);
  return { path: c.analyzed_as, content: readFileSync(join(root, c.input_file)), key: c.input_file };
}

describe('trivy OS analyzer fixtures', () => {
  it('has all 51 cases', () => {
    expect(trivy.cases).toHaveLength(51);
  });

  it.each(trivy.cases.map((c, i) => [`${i} ${c.analyzer}: ${c.name} (${c.analyzed_as ?? c.input_inline?.path})`, c] as const))(
    '%s',
    (_title, c) => {
      const { path, content, key } = trivyInput(c);
      expect(distroWants(path)).toBe(true);
      const distro = detectDistro(viewOfFiles({ [path]: content }));
      const os = trivyFamily(distro);
      if (c.expected === null) {
        expect(os).toBeUndefined();
        const known = identifiedWithoutTrivyOs[key];
        if (known === undefined) expect(distro).toBeUndefined();
        else expect(distro).toMatchObject({ ...known.distro, source: path });
      } else {
        expect(c.expect_error ?? false).toBeFalsy();
        expect(os).toEqual(c.expected);
        expect(distro?.source).toBe(path);
      }
    },
  );
});

interface SyftCase {
  rootfs: string;
  files: string[];
  expected_release: Record<string, unknown> | null;
}

const syft = JSON.parse(readFileSync(join(root, 'syft-identify-release.json'), 'utf8')) as { cases: SyftCase[] };

/** syft Release field → Distro field, for every Release field the model has. */
const modelled: Readonly<Record<string, keyof Distro>> = {
  ID: 'id',
  VersionID: 'versionId',
  Version: 'version',
  VersionCodename: 'codename',
  Name: 'name',
  PrettyName: 'prettyName',
  IDLike: 'idLike',
  CPEName: 'cpeName',
};

/** Release fields the model leaves out: not needed to scope advisories or name the OS. */
const notModelled = new Set([
  'BuildID',
  'HomeURL',
  'SupportURL',
  'BugReportURL',
  'PrivacyPolicyURL',
  'SupportEnd',
  'Variant',
  'VariantID',
  'ImageID',
  'ImageVersion',
]);

/** Deliberate differences from syft, by rootfs. */
const syftDeviations: Record<string, { fields: Partial<Record<string, unknown>>; reason: string }> = {
  'syft-rootfs/partial-fields/missing-id': {
    fields: { ID: 'linux' },
    reason: 'Distro.id is required; os-release(5) gives ID=linux as the default when ID is not set (syft leaves it empty)',
  },
  'syft-rootfs/partial-fields/missing-version': {
    fields: { ID: 'linux' },
    reason: 'as missing-id',
  },
};

function syftView(distro: Distro | undefined): Record<string, unknown> | null {
  if (distro === undefined) return null;
  const out: Record<string, unknown> = {};
  for (const [field, key] of Object.entries(modelled)) {
    const value = distro[key];
    if (value !== undefined) out[field] = value;
  }
  return out;
}

describe('syft TestIdentifyRelease fixtures', () => {
  it('has all 31 cases', () => {
    expect(syft.cases).toHaveLength(31);
  });

  it.each(syft.cases.map((c) => [c.rootfs, c] as const))('%s', (_title, c) => {
    const distro = detectDistro(viewOfDirectory(join(root, c.rootfs), distroWants));
    const expected = c.expected_release;
    if (expected === null) {
      expect(distro).toBeUndefined();
      return;
    }
    const want: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(expected)) {
      if (notModelled.has(field)) continue;
      if (!(field in modelled)) throw new Error(`unknown syft Release field ${field}: model it or list it as not modelled`);
      if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) continue;
      want[field] = value;
    }
    Object.assign(want, syftDeviations[c.rootfs]?.fields ?? {});
    expect(syftView(distro)).toEqual(want);
    expect(c.files).toContain(distro?.source);
  });
});
