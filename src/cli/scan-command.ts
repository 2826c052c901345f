import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { GroutError } from '../core/errors.js';
import type { FindingState, SeverityLevel } from '../core/finding.js';
import { encodeScanReport, VULN_REPORT_FORMATS, type VulnReportFormat } from '../report/vuln/index.js';
import { failingFindings, scan, SEVERITY_LEVELS } from '../scan/index.js';
import { resolveDatabaseSettings } from '../vulndb/index.js';
import { useColor, writeOutput } from './output.js';
import { progressRenderer } from './progress.js';
import { addRegistryOptions, registryOptionsFromCli, type RegistryCliOptions } from './registry-options.js';

/** Exit code when findings at or above `--fail-on` remain: distinct from every error code (2–5). */
export const EXIT_FINDINGS = 1;
export const DEFAULT_IGNORE_FILE = '.groutignore.yaml';
const STATES: readonly FindingState[] = ['fixed', 'unfixed', 'will-not-fix', 'end-of-life', 'unimportant', 'unknown'];

interface ScanCliOptions extends RegistryCliOptions {
  format: VulnReportFormat;
  output?: string;
  db?: string;
  failOn?: SeverityLevel;
  onlyFixed?: boolean;
  severity?: string;
  ignoreStates?: string;
  ignoreFile?: string;
  vex?: string[];
  includeNotices?: boolean;
  showSuppressed?: boolean;
  platform?: string;
  quiet?: boolean;
  cache?: boolean;
}

/** `grout scan <source | sbom:file>`: find known vulnerabilities, report them, and gate CI with --fail-on. */
export function scanCommand(sourceHelp: string, setExitCode: (code: number) => void): Command {
  return addRegistryOptions(new Command('scan'))
    .description('find known vulnerabilities in an image (or in the image an SBOM describes)')
    .argument('<source>', `${sourceHelp} | sbom:FILE (CycloneDX or SPDX JSON)`)
    .addOption(new Option('-f, --format <format>', 'output format').choices([...VULN_REPORT_FORMATS]).default('table'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--db <file>', 'vulnerability database (default: $GROUT_DB, the config file, or the user cache dir)')
    .addOption(new Option('--fail-on <severity>', `exit ${EXIT_FINDINGS} when a finding of this severity or worse remains`).choices([...SEVERITY_LEVELS]))
    .option('--only-fixed', 'only findings with a fixed version to upgrade to')
    .option('--severity <list>', `only these severities, comma-separated (${SEVERITY_LEVELS.join(',')})`)
    .option('--ignore-states <list>', `hide findings in these states, comma-separated (${STATES.join(',')})`)
    .option('--ignore-file <file>', `ignore rules (default: ./${DEFAULT_IGNORE_FILE} when present)`)
    .option('--vex <file...>', 'OpenVEX or CycloneDX VEX documents: not_affected / fixed statements suppress findings')
    .option('--include-notices', 'also report unmaintained / unsound / informational advisories')
    .option('--show-suppressed', 'list suppressed findings with their reason')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default: this machine)')
    .option('-q, --quiet', 'no progress on stderr')
    .option('--no-cache', 'neither use nor store per-layer results (also GROUT_NO_CACHE=1)')
    .action(async (source: string, opts: ScanCliOptions) => {
      const settings = resolveDatabaseSettings(opts.db === undefined ? {} : { dbPath: opts.db });
      const ignoreFile = opts.ignoreFile ?? (existsSync(DEFAULT_IGNORE_FILE) ? DEFAULT_IGNORE_FILE : undefined);
      const registry = await registryOptionsFromCli(opts);
      const progress = progressRenderer(opts.quiet === true);
      let report;
      try {
        report = await scan(source, {
          dbPath: settings.dbPath,
          registry,
          maxAgeHours: settings.maxAgeHours,
          ...(opts.cache === false ? { cache: false } : {}),
          ...(opts.platform ? { platform: opts.platform } : {}),
          ...(progress.listener ? { onProgress: progress.listener } : {}),
          ...(ignoreFile ? { ignoreFile } : {}),
          ...(opts.vex ? { vexFiles: opts.vex } : {}),
          ...(opts.includeNotices ? { includeNotices: true } : {}),
          ...(opts.onlyFixed ? { onlyFixed: true } : {}),
          ...(opts.severity ? { severities: parseList(opts.severity, SEVERITY_LEVELS, '--severity') } : {}),
          ...(opts.ignoreStates ? { ignoreStates: parseList(opts.ignoreStates, STATES, '--ignore-states') } : {}),
        });
      } finally {
        progress.done();
      }
      const color = opts.output === undefined && useColor(process.stdout);
      await writeOutput(encodeScanReport(report, opts.format, { color, ...(opts.showSuppressed ? { showSuppressed: true } : {}) }), opts.output);
      if (report.database.stale && opts.quiet !== true) {
        process.stderr.write(`grout: warning: the vulnerability database was built ${report.database.builtAt}; run grout db update\n`);
      }
      if (opts.failOn !== undefined) {
        const failing = failingFindings(report.findings, opts.failOn);
        if (failing.length > 0) {
          const ids = [...new Set(failing.map((f) => f.id))];
          process.stderr.write(
            `grout: ${failing.length} finding${failing.length === 1 ? '' : 's'} at or above ${opts.failOn}: ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? `, … (${ids.length} ids)` : ''}\n`,
          );
          setExitCode(EXIT_FINDINGS);
        }
      }
    });
}

function parseList<T extends string>(text: string, allowed: readonly T[], flag: string): T[] {
  const items = text.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) throw new GroutError('E_USAGE', `${flag}: unknown value ${JSON.stringify(item)} (expected ${allowed.join(', ')})`);
  }
  return items as T[];
}
