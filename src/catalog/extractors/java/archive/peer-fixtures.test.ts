/**
 * Every case of ../shared/peer-fixtures/lang/java-archive (trivy's jar parser tests). trivy's online mode asks a
 * mocked Maven Central search for jars the archive itself does not name; grout never looks anything up, so those
 * two expectations are replaced, with the reason, by what the archive alone says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { peerFixtures } from '../../../../../test/shared-data.js';
import { extract } from './zip-tool.test-support.js';

interface ExpectedPackage {
  name: string;
  version: string;
  licenses?: string[];
  file_path: string;
}

interface Expectation {
  name: string;
  options?: { offline?: boolean };
  packages: ExpectedPackage[];
}

const root = peerFixtures('lang', 'java-archive', 'trivy');
const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as { inputs: { input: string; expectations: Expectation[] }[] };

/** Expectations that need trivy's Maven Central lookup, keyed `input/expectation`, with what grout reports instead. */
const deviations: Record<string, { reason: string; packages: ExpectedPackage[] } | { reason: string; useExpectation: string }> = {
  'test.jar/sha1 search': {
    reason: 'trivy finds org.springframework:spring-core 5.3.3 by the sha1 of the jar in a mocked Maven Central search; offline, the manifest is all there is',
    useExpectation: 'offline',
  },
  'heuristic-1.0.0-SNAPSHOT.jar/artifactId search': {
    reason:
      'the jar holds an empty manifest; trivy gets groupId com.example by searching Maven Central for artifactId "heuristic". grout takes artifactId and version from the file name and, as syft does, the artifactId as groupId (trivy offline reports nothing)',
    packages: [{ name: 'heuristic:heuristic', version: '1.0.0-SNAPSHOT', file_path: 'testdata/heuristic-1.0.0-SNAPSHOT.jar' }],
  },
};

/** `testdata/outer.jar/META-INF/jars/a.jar/META-INF/jars/b.jar` → evidence `outer.jar`, archivePath `META-INF/jars/a.jar!/META-INF/jars/b.jar`. */
function location(filePath: string): { evidence: string; archivePath: string | undefined } {
  const levels = filePath.replace(/^testdata\//, '').split(/(?<=\.jar)\//);
  return { evidence: levels[0]!, archivePath: levels.length > 1 ? levels.slice(1).join('!/') : undefined };
}

describe('java/archive against trivy jar fixtures', () => {
  for (const { input, expectations } of expected.inputs) {
    for (const expectation of expectations) {
      const key = `${input}/${expectation.name}`;
      const deviation = deviations[key];
      it(`${key}${deviation === undefined ? '' : ' (deviation: no Maven Central lookup)'}`, () => {
        let want = expectation.packages;
        if (deviation !== undefined) {
          want = 'packages' in deviation ? deviation.packages : expectations.find((e) => e.name === deviation.useExpectation)!.packages;
        }
        const { packages, issues } = extract(input, readFileSync(join(root, input)));
        expect(issues).toEqual([]);
        const got = packages.map((p) => {
          const meta = p.metadata?.kind === 'language' ? p.metadata : undefined;
          return { name: p.name, version: p.version, licenses: p.licenses, evidence: p.evidence, archivePath: meta?.archivePath, groupId: meta?.groupId, artifactId: meta?.artifactId };
        });
        const wanted = want.map((w) => {
          const colon = w.name.indexOf(':');
          return {
            name: w.name,
            version: w.version,
            // A missing `licenses` is not asserted upstream.
            licenses: w.licenses ?? expect.any(Array),
            ...location(w.file_path),
            groupId: w.name.slice(0, colon),
            artifactId: w.name.slice(colon + 1),
          };
        });
        expect(got).toEqual(expect.arrayContaining(wanted));
        expect(got).toHaveLength(wanted.length);
        expect(packages.every((p) => p.ecosystem === 'maven' && p.metadata?.kind === 'language' && p.metadata.origin === 'installed')).toBe(true);
      });
    }
  }

  it('marks each archive\'s own package with the sha1 of its bytes, nested archives included', () => {
    const { packages } = extract('nested.jar', readFileSync(join(root, 'nested.jar')));
    const integrity = Object.fromEntries(packages.map((p) => [p.name, p.metadata?.kind === 'language' ? p.metadata.integrity : undefined]));
    // sha1sum of nested.jar, and of the inner jars as `unzip` extracts them.
    expect(integrity).toEqual({
      'test:nested': 'sha1:16e646495b935f0439ba13d4b3da8d7b12e98117',
      'test:nested2': 'sha1:5368e0210474c08e7b7a820f7a4be254a5e3cb41',
      'test:nested3': 'sha1:349216149af2592489a5ebf0878f5cbd5b93015b',
    });
  });

  it('gives embedded artifacts of a fat jar no integrity: the sha1 is of the archive, not theirs', () => {
    const { packages } = extract('hadoop-shaded-guava-1.1.0-SNAPSHOT.jar', readFileSync(join(root, 'hadoop-shaded-guava-1.1.0-SNAPSHOT.jar')));
    const withIntegrity = packages.filter((p) => p.metadata?.kind === 'language' && p.metadata.integrity !== undefined).map((p) => p.name);
    expect(withIntegrity).toEqual(['org.apache.hadoop.thirdparty:hadoop-shaded-guava']);
  });
});
