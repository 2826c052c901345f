import { describe, expect, it } from 'vitest';
import { inventory } from '../src/index.js';
import { debianLangImage, LANG_TAG } from './images/debian-lang-image.js';

/**
 * Application packages in a real Debian image: Debian's own nodejs, npm and python3-pip (whose ~1,700
 * package.json files and dist-info folders dpkg owns) and an app installed by `npm install` into /app.
 */
const image = debianLangImage();

interface NpmLsNode {
  version?: string;
  path?: string;
  dependencies?: Record<string, NpmLsNode>;
}

/** Every (name, version, directory) that `npm ls --all --json --long` reports, deduplicated. */
function npmLsSet(root: NpmLsNode): string[] {
  const out = new Set<string>();
  const walk = (node: NpmLsNode): void => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      if (child.version && child.path) out.add(`${name}@${child.version} ${child.path.replace(/^\//, '')}`);
      walk(child);
    }
  };
  walk(root);
  return [...out].sort();
}

describe('a real Debian image with nodejs, npm, python3-pip and an npm-installed app', () => {
  it('finds exactly the npm packages `npm ls --all` reports for the app', async () => {
    const img = await image;
    const inv = await inventory(`oci:${img.ociLayout}:${LANG_TAG}`);
    const npm = inv.packages.filter((p) => p.ecosystem === 'npm');
    const found = npm.map((p) => `${p.name}@${p.version} ${p.locations[0]!.path.replace(/\/package\.json$/, '')}`).sort();
    const expected = npmLsSet(img.npmLs as NpmLsNode);
    expect(expected.length).toBeGreaterThan(50);
    expect(found).toEqual(expected);
    // Every one of them was brought by the `npm install` layer.
    expect(new Set(npm.map((p) => p.locations[0]!.layer))).toEqual(new Set([2]));
  });

  it('reports the JavaScript and Python that Debian packages own as those packages, never twice', async () => {
    const img = await image;
    const inv = await inventory(`oci:${img.ociLayout}:${LANG_TAG}`);
    expect(inv.packages.filter((p) => p.ecosystem === 'npm' && !p.locations[0]!.path.startsWith('app/'))).toEqual([]);
    expect(inv.packages.filter((p) => p.ecosystem === 'pypi')).toEqual([]);
    const deb = new Set(inv.packages.filter((p) => p.ecosystem === 'deb').map((p) => p.name));
    for (const name of ['nodejs', 'npm', 'python3-pip', 'node-semver', 'python3-setuptools']) expect(deb, name).toContain(name);
  });
});
