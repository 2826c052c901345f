import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixImage } from '../src/fix/fix-image.js';
import { fixVexDocument } from '../src/fix/fix-vex.js';
import { inventory } from '../src/index.js';
import { aptToolsAvailable, type AptRepo } from './apt-repo/apt-repo.js';
import { OLD_TAG, startFixDemo, type FixDemo } from './fix-demo.js';

/**
 * `grout fix` end to end: a real Debian image in which dpkg installed an old release of a library (grout-demo
 * 1.0-1, from the signed test repository), an advisory saying 1.0-2 fixes CVE-2099-0001, and the signed
 * repository serving 1.0-2 in its security suite on 127.0.0.1. grout must plan, verify, download, patch, write a
 * new image with one more layer, and prove by rescanning that the vulnerability is gone — leaving the input alone.
 * The demo (image, repository, database) is built by ./fix-demo.ts, shared with the registry test.
 */
let demo: FixDemo | undefined;
let repo: AptRepo;
let work: string;
let db: string;
let oldLayout: string;
let keyring: string;

function hashTree(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      h.update(`${p.slice(dir.length)}\n`);
      if (st.isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

beforeAll(async () => {
  if (!aptToolsAvailable()) return;
  demo = await startFixDemo();
  ({ repo, work, db, oldLayout, keyring } = demo);
}, 1_800_000);

afterAll(async () => {
  await demo?.stop();
});

const repos = (): string[] => demo!.repos();

describe.skipIf(!aptToolsAvailable())('grout fix against a signed APT repository on 127.0.0.1', () => {
  it('--dry-run plans the upgrade from the security suite and writes nothing', async () => {
    const out = join(work, 'dry');
    const result = await fixImage(`oci:${oldLayout}:${OLD_TAG}`, { dbPath: db, dryRun: true, out: `oci:${out}:x`, repos: repos(), keyrings: [keyring], now: new Date() });
    expect(result.wanted.upgrades.map((u) => `${u.source} ${u.installed} → ${u.minimum}`)).toEqual(['grout-demo 1.0-1 → 1.0-2']);
    expect(result.resolved.upgrades.map((u) => `${u.name} ${u.from}→${u.to} ${u.repo}`).sort()).toEqual([
      `libgrout-demo-dev 1.0-1→1.0-2 ${repo.url} bookworm-security/main`,
      `libgrout-demo1 1.0-1→1.0-2 ${repo.url} bookworm-security/main`,
    ]);
    expect(result.written).toBeUndefined();
    expect(() => statSync(out)).toThrow();
  });

  it('patches the image with one new layer from the verified packages, and the rescan proves the fix', async () => {
    const before = hashTree(oldLayout);
    const out = join(work, 'patched');
    const now = new Date();
    const result = await fixImage(`oci:${oldLayout}:${OLD_TAG}`, { dbPath: db, out: `oci:${out}:fixed`, repos: repos(), keyrings: [keyring], now });
    expect(result.before.findings.map((f) => `${f.id} ${f.package.name}`).sort()).toEqual(['CVE-2099-0001 libgrout-demo-dev', 'CVE-2099-0001 libgrout-demo1']);
    expect(result.fixed).toEqual([{ id: 'CVE-2099-0001', package: 'grout-demo', from: '1.0-1', to: '1.0-2' }]);
    expect(result.notTaken).toEqual([]);
    expect(result.after?.findings).toEqual([]);
    // The changelog of the new upload names a second CVE no advisory in the database mentions.
    expect(result.changelogFixes.find((c) => c.package === 'libgrout-demo1')?.cves).toEqual(['CVE-2099-0001', 'CVE-2099-0002']);
    // One more layer, the new versions in it, the input untouched.
    const oldInv = await inventory(`oci:${oldLayout}:${OLD_TAG}`);
    const newInv = await inventory(`oci:${out}:fixed`);
    expect(newInv.image.layers.length).toBe(oldInv.image.layers.length + 1);
    expect(newInv.packages.filter((p) => p.source?.name === 'grout-demo').map((p) => `${p.name} ${p.version} layer ${p.locations[0]?.layer}`).sort()).toEqual([
      `libgrout-demo-dev 1.0-2 layer ${oldInv.image.layers.length}`,
      `libgrout-demo1 1.0-2 layer ${oldInv.image.layers.length}`,
    ]);
    expect(hashTree(oldLayout)).toBe(before);
    // The OpenVEX document states the fix for the new image.
    const vex = JSON.parse(fixVexDocument(result, now.toISOString())) as { statements: { vulnerability: { name: string }; status: string; products: { subcomponents: { '@id': string }[] }[] }[] };
    expect(vex.statements.map((s) => [s.vulnerability.name, s.status])).toEqual([['CVE-2099-0001', 'fixed']]);
    expect(vex.statements[0]?.products[0]?.subcomponents.map((s) => s['@id']).sort()).toEqual([
      expect.stringMatching(/^pkg:deb\/debian\/libgrout-demo-dev@1\.0-1/),
      expect.stringMatching(/^pkg:deb\/debian\/libgrout-demo1@1\.0-1/),
    ]);
  });

  it('refuses a repository whose signature does not verify, writing nothing', async () => {
    repo.faults.badSignature = true;
    try {
      const out = join(work, 'bad');
      await expect(fixImage(`oci:${oldLayout}:${OLD_TAG}`, { dbPath: db, out: `oci:${out}:x`, repos: repos(), keyrings: [keyring] })).rejects.toMatchObject({ code: 'E_SIGNATURE' });
      expect(() => statSync(out)).toThrow();
    } finally {
      repo.faults.badSignature = false;
    }
  });
});
