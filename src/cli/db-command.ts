/**
 * `grout db update | import | status`: the vulnerability database from the command line. Results on stdout,
 * progress on stderr (terminal only), failures as GroutErrors for main.ts to print and map to exit codes.
 */
import { Command, Option } from 'commander';
import { GroutError, isGroutError } from '../core/errors.js';
import {
  databaseStatus,
  formatAge,
  importDatabase,
  resolveDatabaseSettings,
  updateDatabase,
  type DatabaseChangeSummary,
  type DatabaseStatus,
  type FeedStatus,
  type UpdateListener,
} from '../vulndb/index.js';
import { writeOutput } from './output.js';

interface DbOptions {
  db?: string;
  quiet?: boolean;
}

/** The `db` command group; main.ts adds it with `program.addCommand(dbCommand())`. */
export function dbCommand(): Command {
  const db = new Command('db').description('the vulnerability database: download it, import it offline, or show what is in it');
  const dbOption = () => new Option('--db <file>', 'database file (default: $GROUT_DB, the config file db.path, or ~/.cache/grout/db/grout.db)');

  db.command('update')
    .description('download every configured feed (conditional requests), rebuild the database, swap it in atomically')
    .option('--feed <name...>', 'update only these feeds (see grout db status for names)')
    .addOption(dbOption())
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (opts: DbOptions & { feed?: string[] }) => {
      const settings = resolveDatabaseSettings(opts.db === undefined ? {} : { dbPath: opts.db });
      const progress = dbProgress(opts.quiet === true);
      let summary: DatabaseChangeSummary;
      try {
        summary = await updateDatabase({
          dbPath: settings.dbPath,
          feeds: settings.feeds,
          ...(opts.feed ? { only: opts.feed } : {}),
          ...(progress.listener ? { onProgress: progress.listener } : {}),
        });
      } finally {
        progress.done();
      }
      await writeOutput(renderChangeSummary(summary, 'update'), undefined);
      throwIfFailed(summary);
    });

  db.command('import')
    .description('build the database from local feed files: OSV dirs/zips/.jsonl(.gz), Alpine secdb, Debian tracker JSON, DSA/DLA lists, KEV, EPSS, EOL')
    .argument('<path...>', 'directories (a mirror of several feeds is walked), zips or files')
    .addOption(dbOption())
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (paths: string[], opts: DbOptions) => {
      const settings = resolveDatabaseSettings(opts.db === undefined ? {} : { dbPath: opts.db });
      const progress = dbProgress(opts.quiet === true);
      let summary: DatabaseChangeSummary;
      try {
        summary = await importDatabase(settings.dbPath, paths, progress.listener ? { onProgress: progress.listener } : {});
      } finally {
        progress.done();
      }
      await writeOutput(renderChangeSummary(summary, 'import'), undefined);
      throwIfFailed(summary);
    });

  db.command('status')
    .description('per feed: source, fingerprint, records, skipped records, last update and error; warns when stale')
    .addOption(dbOption())
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: DbOptions & { format: 'table' | 'json' }) => {
      const settings = resolveDatabaseSettings(opts.db === undefined ? {} : { dbPath: opts.db });
      const status = databaseStatus(settings.dbPath, { maxAgeHours: settings.maxAgeHours });
      await writeOutput(opts.format === 'json' ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status), undefined);
      for (const warning of status.warnings) process.stderr.write(`grout: warning: ${warning}\n`);
    });
  return db;
}

/** Some feeds failed (each kept its previous data): the run still wrote the rest, but must not look like success. */
function throwIfFailed(summary: DatabaseChangeSummary): void {
  const failed = summary.feeds.filter((f) => f.outcome === 'failed');
  if (failed.length === 0) return;
  const first = failed[0]?.error;
  throw new GroutError(
    isGroutError(first) ? first.code : 'E_FEED_FORMAT',
    `${failed.length} of ${summary.feeds.length} feeds failed and kept their previous data: ${failed.map((f) => `${f.name} (${f.error?.message ?? 'failed'})`).join('; ')}`,
    isGroutError(first) && first.hint !== undefined ? { hint: first.hint } : {},
  );
}

export function renderChangeSummary(summary: DatabaseChangeSummary, verb: 'update' | 'import'): string {
  const rows = summary.feeds.map((f) => [
    f.name,
    f.outcome,
    count(f.status?.advisories),
    count(f.status?.kev),
    count(f.status?.epss),
    count(f.status?.eol),
    count(f.status?.skipped),
    f.error ? oneLine(f.error.message) : '',
  ]);
  const table = renderTable(['FEED', 'RESULT', 'ADVISORIES', 'KEV', 'EPSS', 'EOL', 'SKIPPED', 'NOTE'], rows);
  const how = summary.rebuilt ? 'rebuilt' : 'unchanged, marked as checked';
  return `${table}${verb} done in ${(summary.durationMs / 1000).toFixed(1)} s: ${summary.dbPath} (${how}, built ${summary.builtAt})\n`;
}

export function renderStatus(status: DatabaseStatus): string {
  const header =
    `database ${status.path}\n` +
    `  schema ${status.schemaVersion}, ${(status.sizeBytes / 1024 / 1024).toFixed(1)} MiB, built ${status.builtAt} (${formatAge(status.ageHours)} ago${status.stale ? `, STALE: older than ${status.maxAgeHours} h` : ''})\n\n`;
  const rows = status.feeds.map((f) => [f.name, f.format, f.updatedAt ?? '-', count(f.advisories), count(f.kev), count(f.epss), count(f.eol), count(f.skipped), f.lastError === undefined ? 'ok' : 'FAILED']);
  const table = renderTable(['FEED', 'FORMAT', 'UPDATED', 'ADVISORIES', 'KEV', 'EPSS', 'EOL', 'SKIPPED', 'LAST UPDATE'], rows);
  const details = status.feeds.map(feedDetails).join('');
  return `${header}${table}${details === '' ? '' : `\n${details}`}`;
}

function feedDetails(f: FeedStatus): string {
  const lines = [`${f.name}`, `  source: ${f.source}`];
  if (f.fingerprint !== undefined) lines.push(`  fingerprint: ${f.fingerprint}`);
  for (const example of f.skippedExamples) lines.push(`  skipped: ${oneLine(example)}`);
  if (f.skipped > f.skippedExamples.length) lines.push(`  … and ${f.skipped - f.skippedExamples.length} more skipped`);
  if (f.lastError !== undefined) lines.push(`  last error: ${oneLine(f.lastError)}`);
  return `${lines.join('\n')}\n`;
}

function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

function count(n: number | undefined): string {
  return n === undefined ? '-' : String(n);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

/** Progress on stderr, only on a terminal and without --quiet: one line rewritten in place, at most ~10 times a second. */
function dbProgress(quiet: boolean): { listener?: UpdateListener; done(): void } {
  const stream = process.stderr;
  if (quiet || !stream.isTTY) return { done() {} };
  let active = false;
  let last = 0;
  const show = (text: string, force = false): void => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    stream.write(`\r\x1b[2K${text.slice(0, Math.max(20, (stream.columns ?? 80) - 1))}`);
    active = true;
  };
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return {
    listener(event) {
      switch (event.type) {
        case 'feed-start':
          show(`${event.feed}: fetching ${event.source}`, true);
          break;
        case 'feed-bytes':
          show(`${event.feed}: ${mib(event.bytes)}${event.total === undefined ? '' : ` of ${mib(event.total)}`}`);
          break;
        case 'feed-records':
          show(`${event.feed}: ${event.records} records`);
          break;
        case 'feed-done':
          show(`${event.feed}: ${event.outcome}`, true);
          break;
      }
    },
    done() {
      if (active) stream.write('\r\x1b[2K');
    },
  };
}
