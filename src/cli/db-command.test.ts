import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { vulndata } from '../../test/shared-data.js';
import { GroutError } from '../core/errors.js';
import { defaultFeeds } from '../vulndb/index.js';
import { dbCommand } from './db-command.js';

const work = mkdtempSync(join(tmpdir(), 'grout-db-cli-'));
const savedEnv = { GROUT_CONFIG: process.env['GROUT_CONFIG'], GROUT_DB: process.env['GROUT_DB'] };

beforeAll(() => {
  // Every default feed off, one local mirror feed on: `grout db update` without any network.
  const feeds: Record<string, unknown> = Object.fromEntries(defaultFeeds().map((f) => [f.name, { enabled: false }]));
  feeds['local-kev'] = { format: 'kev', url: vulndata('kev', 'known_exploited_vulnerabilities.json') };
  const config = join(work, 'config.yaml');
  writeFileSync(config, stringify({ db: { maxAgeHours: 24 }, feeds }));
  process.env['GROUT_CONFIG'] = config;
  delete process.env['GROUT_DB'];
});
afterAll(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(work, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

async function run(args: string[]): Promise<{ stdout: string; stderr: string; error?: GroutError }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stdout += chunk.toString();
    (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  const program = new Command('grout').exitOverride().addCommand(dbCommand());
  try {
    await program.parseAsync(args, { from: 'user' });
    return { stdout, stderr };
  } catch (error) {
    if (!(error instanceof GroutError)) throw error;
    return { stdout, stderr, error };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('grout db', () => {
  const db = join(work, 'grout.db');

  it('status without a database says how to get one', async () => {
    const r = await run(['db', 'status', '--db', db]);
    expect(r.error?.code).toBe('E_DB_MISSING');
    expect(r.error?.hint).toContain('grout db update');
    expect(r.error?.hint).toContain('grout db import <dir|zip|file>');
  });

  it('import prints one row per feed on stdout and nothing on stderr', async () => {
    const r = await run(['db', 'import', vulndata('epss'), vulndata('kev'), '--db', db]);
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^FEED\s+RESULT\s+ADVISORIES\s+KEV\s+EPSS\s+EOL\s+SKIPPED\s+NOTE\n/);
    expect(r.stdout).toMatch(/\nepss:epss-excerpt-2024-10-25\.csv\s+updated\s+0\s+0\s+29\s+0\s+0\n/);
    expect(r.stdout).toMatch(/\nkev:known_exploited_vulnerabilities\.json\s+updated\s+0\s+1404\s+0\s+0\s+0\n/);
    expect(r.stdout).toContain(`import done in `);
  });

  it('update reads feeds from the config file; a second run is unchanged', async () => {
    const first = await run(['db', 'update', '--db', db]);
    expect(first.error).toBeUndefined();
    expect(first.stdout).toMatch(/\nlocal-kev\s+updated\s+0\s+1404/);
    const second = await run(['db', 'update', '--db', db]);
    expect(second.stdout).toMatch(/\nlocal-kev\s+unchanged/);
    expect(second.stdout).toContain('unchanged, marked as checked');
  });

  it('status lists the feeds as a table or JSON; imported feeds are kept by update', async () => {
    const table = await run(['db', 'status', '--db', db]);
    expect(table.stdout).toContain(`database ${db}\n  schema 1, `);
    expect(table.stdout).toMatch(/\nlocal-kev\s+kev\s+\S+\s+0\s+1404\s+0\s+0\s+0\s+ok\n/);
    expect(table.stdout).toContain(`  source: ${vulndata('kev', 'known_exploited_vulnerabilities.json')}\n  fingerprint: sha256=`);
    expect(table.stderr).toBe('');
    const json = await run(['db', 'status', '--db', db, '-f', 'json']);
    const status = JSON.parse(json.stdout) as { feeds: { name: string }[]; stale: boolean; maxAgeHours: number };
    expect(status.feeds.map((f) => f.name)).toEqual(['epss:epss-excerpt-2024-10-25.csv', 'kev:known_exploited_vulnerabilities.json', 'local-kev']);
    expect(status.stale).toBe(false);
    expect(status.maxAgeHours).toBe(24);
  });

  it('update --feed with an unknown name is a usage error; a failed feed makes the run fail after writing the rest', async () => {
    const unknown = await run(['db', 'update', '--db', db, '--feed', 'nope']);
    expect(unknown.error?.code).toBe('E_USAGE');
    const truncated = join(work, 'pypa.jsonl.gz');
    writeFileSync(truncated, readFileSync(vulndata('osv', 'pypa.jsonl.gz')).subarray(0, 30_000));
    const r = await run(['db', 'import', truncated, vulndata('epss'), '--db', db]);
    expect(r.error?.code).toBe('E_FEED_FORMAT');
    expect(r.error?.message).toMatch(/^1 of 2 feeds failed and kept their previous data: osv:pypa\.jsonl\.gz \(.*truncated or corrupt gzip/);
    expect(r.stdout).toMatch(/\nosv:pypa\.jsonl\.gz\s+failed\s+0/);
    expect(r.stdout).toMatch(/\nepss:epss-excerpt-2024-10-25\.csv\s+updated/);
    const imported = await run(['db', 'import', join(work, 'config.yaml'), '--db', db]);
    expect(imported.error?.code).toBe('E_FEED_FORMAT');
    expect(imported.error?.message).toContain(join(work, 'config.yaml'));
  });
});
