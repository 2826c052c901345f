/**
 * The extractor in the single pass over a real OCI layout: packages from jars in two layers, purls built by the
 * catalog from groupId/artifactId, a jar deleted by a whiteout, and issues tied to their layer.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeOciLayout } from '../../../../../test/fixtures/image-builder.js';
import { peerFixtures } from '../../../../../test/shared-data.js';
import { inventory } from '../../../../scan/index.js';
import { defaultExtractors } from '../../index.js';
import { javaArchiveExtractor } from './index.js';

const work = tempDir();
afterAll(() => rmSync(work, { recursive: true, force: true }));
const fixture = (name: string): Buffer => readFileSync(join(peerFixtures('lang', 'java-archive', 'trivy'), name));

describe('java/archive in an image', () => {
  it('reports jars by layer with Maven purls', async () => {
    const dir = join(work, 'layout');
    await writeOciLayout(dir, [
      {
        tag: 't',
        layers: [
          {
            entries: [
              { path: 'opt/app/nested.jar', content: fixture('nested.jar') },
              { path: 'opt/app/test.jar', content: fixture('test.jar') },
              { path: 'opt/app/gone.jar', content: fixture('multi-license-1.0.0.jar') },
            ],
          },
          {
            entries: [
              { path: 'opt/app/.wh.gone.jar', content: '' },
              { path: 'opt/jenkins/plugins/example.hpi', content: fixture('license-from-jenkins-plugin.jar') },
              { path: 'opt/app/broken.war', content: 'not a zip' },
            ],
          },
        ],
      },
    ]);
    const inv = await inventory(`oci:${dir}:t`, { extractors: [...defaultExtractors, javaArchiveExtractor] });
    const maven = inv.packages.filter((p) => p.ecosystem === 'maven');
    expect(maven.map((p) => `${p.purl} ${p.locations.map((l) => `${l.path}@${l.layer}`).join(',')} ${p.foundBy}`).sort()).toEqual([
      'pkg:maven/com.example/jenkins-plugin@1.0.0 opt/jenkins/plugins/example.hpi@1 java/archive@1',
      'pkg:maven/org.springframework/Spring%20Framework@2.5.6.SEC03 opt/app/test.jar@0 java/archive@1',
      'pkg:maven/test/nested2@0.0.2 opt/app/nested.jar@0 java/archive@1',
      'pkg:maven/test/nested3@0.0.3 opt/app/nested.jar@0 java/archive@1',
      'pkg:maven/test/nested@0.0.1 opt/app/nested.jar@0 java/archive@1',
    ]);
    expect(inv.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'opt/app/broken.war', layer: 1, stage: 'java/archive@1', reason: 'not a zip archive: 9 bytes is shorter than an end-of-directory record' }),
      ]),
    );
    expect(inv.extractors).toContain('java/archive@1');
  });
});
