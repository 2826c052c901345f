import { Command, CommanderError, Option } from 'commander';
import { exitCodeFor, GroutError, isGroutError } from '../core/errors.js';
import { encodeImageSummaryJson, encodeImageSummaryText, summariseImage } from '../report/index.js';
// From the files rather than scan/index.js: sbom and inspect must not load the vulnerability side (vulndb, match).
import { inventory } from '../scan/inventory.js';
import { encodeInventoryPieces, SBOM_FORMATS, type SbomFormat } from '../scan/sbom.js';
import { GROUT_VERSION } from '../grout-version.js';
import { useColor, writeOutput } from './output.js';
import { progressRenderer } from './progress.js';
import { addRegistryOptions, registryOptionsFromCli, type RegistryCliOptions } from './registry-options.js';

interface CommonOptions extends RegistryCliOptions {
  platform?: string;
  quiet?: boolean;
  output?: string;
  /** commander's --no-cache: false when given. */
  cache?: boolean;
}

/**
 * The grout command line. Returns the exit code instead of exiting, so tests can call it in-process.
 * Exit codes: 0 ok · 1 scan --fail-on: findings at or above the threshold · 2 usage · 3 not found or unreadable (image,
 * database, download) · 4 malformed or unsafe input · 5 internal error.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('grout')
    .description('Container supply-chain security: inventory what is in an image and find its known vulnerabilities.')
    .version(GROUT_VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .showHelpAfterError('(run grout --help for usage)');

  const sourceHelp = 'REGISTRY/REPO[:tag|@sha256:…] | docker-archive:FILE[:repo:tag|@N] | oci:DIR[:tag|@sha256:…] | oci-archive:FILE[:tag] | rootfs:DIR';

  addRegistryOptions(program
    .command('sbom')
    .description('list every package in an image as an SBOM')
    .argument('<source>', sourceHelp)
    .addOption(new Option('-f, --format <format>', 'output format').choices([...SBOM_FORMATS]).default('table'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default: this machine)')
    .option('-q, --quiet', 'no progress on stderr')
    .option('--no-cache', 'neither use nor store per-layer results (also GROUT_NO_CACHE=1)'))
    .action(async (source: string, opts: CommonOptions & { format: SbomFormat }) => {
      const inv = await runInventory(source, opts);
      await writeOutput(encodeInventoryPieces(inv, opts.format, { color: opts.output === undefined && useColor(process.stdout) }), opts.output);
    });

  addRegistryOptions(program
    .command('inspect')
    .description('show an image: platform, distro, layers (diffId, size, created_by) and the packages each brought')
    .argument('<source>', sourceHelp)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default: this machine)')
    .option('-q, --quiet', 'no progress on stderr')
    .option('--no-cache', 'neither use nor store per-layer results (also GROUT_NO_CACHE=1)'))
    .action(async (source: string, opts: CommonOptions & { format: 'table' | 'json' }) => {
      const summary = summariseImage(await runInventory(source, opts));
      const text = opts.format === 'json' ? encodeImageSummaryJson(summary) : encodeImageSummaryText(summary, { color: opts.output === undefined && useColor(process.stdout) });
      await writeOutput(text, opts.output);
    });

  // Only the command being run is loaded (scan, fix and db pull in the vulnerability database, the matchers,
  // openpgp…: a third of start-up time); help, a bare `grout` or an unknown command load them all.
  const wanted = commandNamed(argv);
  // `grout --version` needs no command at all.
  const versionOnly = wanted === undefined && argv.some((arg) => arg === '-V' || arg === '--version');
  const needs = (name: string): boolean => !versionOnly && (wanted === undefined || wanted === name);
  if (needs('scan')) {
    const { scanCommand } = await import('./scan-command.js');
    program.addCommand(
      scanCommand(sourceHelp, (code) => {
        exitCode = code;
      }),
    );
  }
  if (needs('fix')) {
    const { fixCommand } = await import('./fix-command.js');
    program.addCommand(
      fixCommand(sourceHelp, (code) => {
        exitCode = code;
      }),
    );
  }
  if (needs('db')) program.addCommand((await import('./db-command.js')).dbCommand());
  if (needs('cache')) program.addCommand((await import('./cache-command.js')).cacheCommand());

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    exitCode = reportError(err);
  }
  return exitCode;
}

const COMMANDS = ['sbom', 'inspect', 'scan', 'fix', 'db', 'cache'];

/** The command argv runs when it is one of grout's own; undefined for help, no command, or a misspelt one. */
function commandNamed(argv: readonly string[]): string | undefined {
  const first = argv.find((arg) => !arg.startsWith('-'));
  return first !== undefined && COMMANDS.includes(first) ? first : undefined;
}

async function runInventory(source: string, opts: CommonOptions) {
  const registry = await registryOptionsFromCli(opts);
  const progress = progressRenderer(opts.quiet === true);
  try {
    return await inventory(source, {
      registry,
      ...(opts.cache === false ? { cache: false } : {}),
      ...(opts.platform ? { platform: opts.platform } : {}),
      ...(progress.listener ? { onProgress: progress.listener } : {}),
    });
  } finally {
    progress.done();
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander already printed its message (or the help / version text).
    return err.exitCode === 0 ? 0 : exitCodeFor('E_USAGE');
  }
  if (isGroutError(err)) {
    process.stderr.write(`grout: error: ${err.message}\n`);
    if (err.hint) process.stderr.write(`  hint: ${err.hint}\n`);
    return exitCodeFor(err.code);
  }
  const internal = new GroutError('E_INTERNAL', err instanceof Error ? err.message : String(err));
  process.stderr.write(`grout: internal error: ${internal.message}\n`);
  if (process.env['GROUT_DEBUG'] && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('  hint: set GROUT_DEBUG=1 for details, and please report this\n');
  return exitCodeFor('E_INTERNAL');
}
