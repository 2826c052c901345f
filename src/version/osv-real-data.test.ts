import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { vulndata } from '../../test/shared-data.js';
import { evaluateOsvAffected, type OsvAffectedVersions } from './osv-range.js';
import { pep440Scheme } from './pep440.js';
import { semverScheme } from './semver.js';

interface OsvRecord {
  id: string;
  affected?: (OsvAffectedVersions & { package?: { ecosystem: string; name: string } })[];
}

function records(file: string): OsvRecord[] {
  return gunzipSync(readFileSync(vulndata('osv', file)))
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as OsvRecord);
}

/**
 * OSV's PyPI records list every affected release in `versions[]` and state the same as ECOSYSTEM ranges. The
 * evaluator, given only the ranges and our PEP 440 ordering, must find every listed release affected.
 */
describe('evaluateOsvAffected on the real PyPA advisories', () => {
  it('agrees with the versions lists that OSV derived from the same ranges', () => {
    let checked = 0;
    const disagreements: string[] = [];
    for (const record of records('pypa.jsonl.gz')) {
      for (const affected of record.affected ?? []) {
        const ranges = (affected.ranges ?? []).filter((r) => r.type === 'ECOSYSTEM');
        if (ranges.length === 0) continue;
        for (const version of affected.versions ?? []) {
          if (!pep440Scheme.isValid(version)) continue;
          checked++;
          const verdict = evaluateOsvAffected(version, { ranges }, { ecosystem: pep440Scheme, semver: semverScheme });
          if (verdict.status !== 'affected') disagreements.push(`${record.id} ${affected.package?.name}@${version}: ${verdict.status}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(10_000);
    // Where the records contradict themselves, the ranges rule as the OSV schema evaluates them (a sweep over the
    // sorted events); grout still reports these versions affected, because it checks versions[] first.
    expect(disagreements).toEqual([
      // Overlapping intervals [2.11, 2.11.7) and [0, 2.11.6): the sorted sweep closes at 2.11.6.
      'PYSEC-2021-114 wagtail@2.11.6: not-affected',
      // The fixed release itself (and its post-release) is listed as affected.
      'PYSEC-2023-177 gevent@23.9.0: not-affected',
      'PYSEC-2023-177 gevent@23.9.0.post1: not-affected',
      // Pre-releases of the introduced version sort before it under PEP 440, but the list includes them.
      'PYSEC-2023-61 django@3.2a1: not-affected',
      'PYSEC-2023-61 django@3.2b1: not-affected',
      'PYSEC-2023-61 django@3.2rc1: not-affected',
      'PYSEC-2023-61 django@4.2a1: not-affected',
      'PYSEC-2023-61 django@4.2b1: not-affected',
      'PYSEC-2023-61 django@4.2rc1: not-affected',
    ]);
  });
});
