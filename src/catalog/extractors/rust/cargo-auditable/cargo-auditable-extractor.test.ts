/**
 * The reference check: a Rust binary compiled here with rustc, given a `.dep-v0` section with objcopy (as
 * cargo-auditable would embed it; cargo-auditable itself and crates.io are not available), read back. Also
 * garbage, non-JSON and a decompression bomb in the section.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { cargoAuditableExtractor } from './index.js';

const SOURCE = 'fn main() {\n    println!("hello from an audited binary");\n}\n';

function works(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Compile the program once per rustc version; cached under os.tmpdir()/grout-test-images/. */
function buildRustBinary(): { dir: string; binary: string } {
  const rustc = execFileSync('rustc', ['--version'], { encoding: 'utf8' }).trim();
  const key = createHash('sha256').update(rustc).update(SOURCE).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'grout-test-images', `rust-auditable-${key}`);
  const binary = join(dir, 'hello');
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.rs'), SOURCE);
    execFileSync('rustc', ['-O', '-o', join(dir, 'hello.tmp'), join(dir, 'main.rs')], { stdio: 'pipe' });
    execFileSync('mv', [join(dir, 'hello.tmp'), binary]);
  }
  return { dir, binary };
}

/** The binary with a `.dep-v0` section holding `content`, via objcopy. */
function withSection(dir: string, binary: string, name: string, content: Buffer): Buffer {
  const sectionFile = join(dir, `${name}.dep-v0`);
  const out = join(dir, `${name}.bin`);
  writeFileSync(sectionFile, content);
  execFileSync('objcopy', ['--add-section', `.dep-v0=${sectionFile}`, binary, out], { stdio: 'pipe' });
  return readFileSync(out);
}

async function extract(bytes: Buffer) {
  const issues: string[] = [];
  const packages = await cargoAuditableExtractor.extractFile({ path: 'usr/bin/hello', bytes, mode: 0o755 }, { issue: (_p, r) => issues.push(r) });
  return { packages, issues };
}

/** The tree cargo-auditable writes for a crate with a few dependencies, with fields omitted as it omits them. */
const auditJson = {
  packages: [
    { name: 'hello', version: '0.1.0', source: 'local', dependencies: [1, 2, 4], root: true },
    { name: 'serde', version: '1.0.193', source: 'crates.io', dependencies: [3] },
    { name: 'cc', version: '1.0.83', source: 'crates.io', kind: 'build' },
    { name: 'serde_derive', version: '1.0.193', source: 'crates.io', kind: 'build', dependencies: [5] },
    { name: 'tokio', version: '1.35.0', source: 'git', dependencies: [5, 5] },
    { name: 'proc-macro2', version: '1.0.70', source: 'crates.io', kind: 'build' },
  ],
};

describe.skipIf(!works('rustc', ['--version']) || !works('objcopy', ['--version']))('rust/cargo-auditable on a real rustc binary', () => {
  let dir: string;
  let binary: string;
  beforeAll(() => {
    ({ dir, binary } = buildRustBinary());
  }, 300_000);

  it('reads every crate with its source, kind, root and dependency names', async () => {
    const bytes = withSection(dir, binary, 'valid', deflateSync(JSON.stringify(auditJson)));
    const { packages, issues } = await extract(bytes);
    expect(issues).toEqual([]);
    const meta = (extra: object) => ({ kind: 'language', origin: 'installed', ...extra });
    const pkg = (name: string, version: string, metadata: object, dependsOn?: string[]) => ({
      ecosystem: 'cargo',
      name,
      version,
      licenses: [],
      evidence: 'usr/bin/hello',
      metadata: meta(metadata),
      ...(dependsOn ? { dependsOn } : {}),
    });
    expect(packages).toEqual([
      pkg('cc', '1.0.83', { direct: true, dev: true, resolved: 'crates.io' }),
      pkg('hello', '0.1.0', { mainModule: true, resolved: 'local' }, ['cc', 'serde', 'tokio']),
      pkg('proc-macro2', '1.0.70', { direct: false, dev: true, resolved: 'crates.io' }),
      pkg('serde', '1.0.193', { direct: true, resolved: 'crates.io' }, ['serde_derive']),
      pkg('serde_derive', '1.0.193', { direct: false, dev: true, resolved: 'crates.io' }, ['proc-macro2']),
      pkg('tokio', '1.35.0', { direct: true, resolved: 'git' }, ['proc-macro2']),
    ]);
  });

  it('the binary without the section gives nothing, quietly', async () => {
    expect(await extract(readFileSync(binary))).toEqual({ packages: [], issues: [] });
  });

  it.each([
    ['garbage instead of zlib', Buffer.from('this is not zlib at all, just text in a section'), /not zlib data/],
    ['zlib-compressed garbage', deflateSync(Buffer.from('{"packages": [ {"name": "x", ')), /not JSON/],
    ['a JSON document of another shape', deflateSync(Buffer.from('{"crates": []}')), /no "packages" array/],
    ['a decompression bomb', deflateSync(Buffer.alloc(64 * 1024 * 1024)), /exceeds 16777216 bytes/],
  ])('%s → an issue', async (label, content, reason) => {
    const { packages, issues } = await extract(withSection(dir, binary, label.replace(/\W+/g, '-'), content));
    expect(packages).toEqual([]);
    expect(issues).toEqual([expect.stringMatching(reason)]);
  });

  it('odd entries: skipped or cleaned with issues, the rest kept', async () => {
    const odd = {
      packages: [
        { name: 'app', version: '1.0.0', root: true, dependencies: [1, 99, -1, 'x', 0] },
        { name: 'ok', version: '2.0.0', source: 'registry' },
        { name: 'nover' },
        'not an object',
        { name: 7, version: '1' },
      ],
    };
    const { packages, issues } = await extract(withSection(dir, binary, 'odd', deflateSync(JSON.stringify(odd))));
    expect(packages.map((p) => `${p.name}@${p.version} ${JSON.stringify(p.dependsOn ?? [])}`)).toEqual(['app@1.0.0 ["ok"]', 'ok@2.0.0 []']);
    expect(issues).toEqual([
      expect.stringMatching(/package 0: dependency 99 is not the index/),
      expect.stringMatching(/package 0: dependency -1 is not the index/),
      expect.stringMatching(/package 0: dependency "x" is not the index/),
      expect.stringMatching(/package 0: dependency 0 is not the index/),
      expect.stringMatching(/package 3 is not an object/),
      expect.stringMatching(/package 4: "name" is not a string/),
      expect.stringMatching(/package 2 has no version; skipped/),
      expect.stringMatching(/package 3 has no name; skipped/),
      expect.stringMatching(/package 4 has no name; skipped/),
    ]);
  });

  it('wants executables of at least 1 KiB only', () => {
    expect(cargoAuditableExtractor.wants('usr/bin/hello', { mode: 0o100755, size: 4_000_000 })).toBe(true);
    expect(cargoAuditableExtractor.wants('usr/lib/libx.so', { mode: 0o100644, size: 4_000_000 })).toBe(false);
    expect(cargoAuditableExtractor.wants('usr/bin/x', { mode: 0o100755, size: 100 })).toBe(false);
  });

  it('a bogus ELF header is an issue in a binary that names a .dep-v0 section, and quiet in one that does not', async () => {
    const audited = withSection(dir, binary, 'bogus', deflateSync(JSON.stringify(auditJson)));
    audited.writeUInt16LE(500, 62); // e_shstrndx out of range
    const { packages, issues } = await extract(audited);
    expect(packages).toEqual([]);
    expect(issues).toEqual([expect.stringMatching(/unreadable ELF file: section name table index 500/)]);

    const plain = Buffer.from(readFileSync(binary));
    plain.writeUInt16LE(500, 62);
    expect(await extract(plain)).toEqual({ packages: [], issues: [] });
  });
});
