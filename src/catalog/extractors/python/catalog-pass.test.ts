/**
 * The Python extractors in the catalog's single pass over a layered image: evidence paths and layers, a dist-info
 * removed by a whiteout, lock files next to site-packages, and `dependsOn` names resolved to packages.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeOciLayout } from '../../../../test/fixtures/image-builder.js';
import { inventory } from '../../../scan/index.js';
import { defaultExtractors } from '../index.js';
import { pipfileLockExtractor, poetryLockExtractor, pythonInstalledExtractor, pythonRequirementsExtractor, uvLockExtractor } from './index.js';

const work = tempDir();
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sp = 'usr/local/lib/python3.11/site-packages';
const metadata = (name: string, version: string, requires: string[] = []) =>
  [`Metadata-Version: 2.1`, `Name: ${name}`, `Version: ${version}`, ...requires.map((r) => `Requires-Dist: ${r}`), '', 'description'].join('\n');

describe('python extractors in the catalog pass', () => {
  it('reports installed and declared packages with their layers and resolves dependencies', async () => {
    const dir = join(work, 'python');
    await writeOciLayout(dir, [
      {
        tag: 't',
        layers: [
          {
            entries: [
              { path: `${sp}/flask-3.0.0.dist-info/METADATA`, content: metadata('flask', '3.0.0', ['Werkzeug>=3.0', 'click>=8.1.3', 'asgiref; extra == "async"']) },
              { path: `${sp}/werkzeug-3.0.1.dist-info/METADATA`, content: metadata('werkzeug', '3.0.1') },
              { path: `${sp}/click-8.1.7.dist-info/METADATA`, content: metadata('click', '8.1.7') },
              { path: `${sp}/old-1.0.dist-info/METADATA`, content: metadata('old', '1.0') },
              { path: 'app/requirements.txt', content: 'flask==3.0.0\nclick>=8\n' },
            ],
          },
          {
            entries: [
              { path: `${sp}/.wh.old-1.0.dist-info`, content: '' },
              { path: 'app/poetry.lock', content: '[[package]]\nname = "flask"\nversion = "3.0.0"\n' },
              { path: 'app/Pipfile.lock', content: '{' },
            ],
          },
        ],
      },
    ]);
    const extractors = [...defaultExtractors, pythonInstalledExtractor, pythonRequirementsExtractor, poetryLockExtractor, pipfileLockExtractor, uvLockExtractor];
    const inv = await inventory(`oci:${dir}:t`, { extractors });
    const pypi = inv.packages.filter((p) => p.ecosystem === 'pypi');
    expect(pypi.map((p) => `${p.name}@${p.version} ${p.foundBy} ${p.locations.map((l) => `${l.path}#${l.layer}`).join(',')}`).sort()).toEqual([
      // flask is declared by poetry.lock and requirements.txt too: the installed copy is the one component reported.
      `click@8.1.7 python/installed@1 ${sp}/click-8.1.7.dist-info/METADATA#0`,
      `flask@3.0.0 python/installed@1 ${sp}/flask-3.0.0.dist-info/METADATA#0`,
      `werkzeug@3.0.1 python/installed@1 ${sp}/werkzeug-3.0.1.dist-info/METADATA#0`,
    ].sort());
    const installedFlask = pypi.find((p) => p.foundBy === 'python/installed@1' && p.name === 'flask')!;
    expect(installedFlask.purl).toBe('pkg:pypi/flask@3.0.0');
    const ids = new Map(pypi.map((p) => [p.id, p.name]));
    const deps = inv.relationships.filter((r) => r.type === 'depends-on' && r.from === installedFlask.id).map((r) => ids.get(r.to));
    expect(deps.sort()).toEqual(['click', 'werkzeug']);
    expect(inv.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'app/Pipfile.lock', stage: 'python/pipfile-lock@1' })]));
  });
});
