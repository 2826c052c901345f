import { Command } from 'commander';
import { GroutError } from '../core/errors.js';
import type { SeverityLevel } from '../core/finding.js';
import { fixImage, type FixResult } from '../fix/fix-image.js';
import { fixVexDocument } from '../fix/fix-vex.js';
import { SEVERITY_LEVELS } from '../scan/index.js';
import { resolveDatabaseSettings } from '../vulndb/index.js';
import { writeOutput } from './output.js';
import { addRegistryOptions, registryOptionsFromCli, type RegistryCliOptions } from './registry-options.js';
import { progressRenderer } from './progress.js';

/** Exit code when a planned fix did not take (the rescan still finds it): the patched image is not trusted. */
export const EXIT_FIX_INCOMPLETE = 1;

interface FixCliOptions extends RegistryCliOptions {
  out?: string;
  dryRun?: boolean;
  severity?: string;
  repo?: string[];
  keyring?: string[];
  securityUpdates?: boolean;
  vexOut?: string;
  db?: string;
  platform?: string;
  quiet?: boolean;
}

/** `grout fix <source> --out …`: patch an image from its distribution's signed packages, proven by a rescan. */
export function fixCommand(sourceHelp: string, setExitCode: (code: number) => void): Command {
  return addRegistryOptions(new Command('fix'))
    .description("patch an image's vulnerable Debian/Ubuntu packages from its own signed archive: one new layer, no Docker daemon, proven by a rescan")
    .argument('<source>', sourceHelp)
    .option('--out <image>', 'oci:DIR[:tag] | oci-archive:FILE[:tag] | docker-archive:FILE[:repo:tag] | HOST[:PORT]/REPO:TAG or docker://REPO:TAG to push (never the input)')
    .option('--dry-run', 'print the plan only: what would be upgraded, from where, and what cannot be fixed')
    .option('--severity <list>', `only fix findings of these severities, comma-separated (${SEVERITY_LEVELS.join(',')})`)
    .option('--repo <source...>', 'an apt source line or a mirror URL replacing the image\'s (repeatable)')
    .option('--no-security-updates', "plan only advisory-driven upgrades, not every update the archive's security suite has")
    .option('--keyring <file...>', 'OpenPGP keyring(s) to trust instead of the image\'s')
    .option('--vex-out <file>', 'where to write the OpenVEX document of the fixed vulnerabilities')
    .option('--db <file>', 'vulnerability database')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (source: string, opts: FixCliOptions) => {
      const settings = resolveDatabaseSettings(opts.db === undefined ? {} : { dbPath: opts.db });
      const progress = progressRenderer(opts.quiet === true);
      const severities = opts.severity?.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
      for (const s of severities ?? []) if (!(SEVERITY_LEVELS as readonly string[]).includes(s)) throw new GroutError('E_USAGE', `--severity: unknown value ${JSON.stringify(s)}`);
      const registry = await registryOptionsFromCli(opts);
      const now = new Date();
      let result: FixResult;
      try {
        result = await fixImage(source, {
          dbPath: settings.dbPath,
          maxAgeHours: settings.maxAgeHours,
          registry,
          ...(opts.out ? { out: opts.out } : {}),
          ...(opts.dryRun ? { dryRun: true } : {}),
          ...(severities ? { severities: severities as SeverityLevel[] } : {}),
          ...(opts.repo ? { repos: opts.repo } : {}),
          ...(opts.keyring ? { keyrings: opts.keyring } : {}),
          ...(opts.securityUpdates === false ? { securityUpdates: false } : {}),
          ...(opts.platform ? { platform: opts.platform } : {}),
          ...(progress.listener ? { onProgress: progress.listener } : {}),
          ...(opts.quiet ? {} : { onStage: (text: string) => process.stderr.isTTY && process.stderr.write(`\r\x1b[2K${text}`) }),
          now,
        });
      } finally {
        progress.done();
        if (process.stderr.isTTY && opts.quiet !== true) process.stderr.write('\r\x1b[2K');
      }
      await writeOutput(renderFixResult(result, opts.dryRun === true), undefined);
      if (result.after !== undefined && opts.vexOut !== undefined) await writeOutput(fixVexDocument(result, now.toISOString()), opts.vexOut);
      if (result.notTaken.length > 0) {
        process.stderr.write(`grout: ${result.notTaken.length} planned fix${result.notTaken.length === 1 ? '' : 'es'} did not take: ${result.notTaken.map((n) => `${n.id} (${n.package})`).join(', ')}\n`);
        setExitCode(EXIT_FIX_INCOMPLETE);
      }
    });
}

/** The plan and outcome as text: upgrades installed → target and from where, what cannot be fixed and why. */
export function renderFixResult(r: FixResult, dryRun: boolean): string {
  const lines: string[] = [];
  const planned = [...r.resolved.upgrades, ...r.resolved.newPackages];
  lines.push(dryRun ? 'Plan (dry run: nothing downloaded or written)' : 'Patched');
  if (planned.length === 0) lines.push('  nothing to upgrade');
  const cvesBySource = new Map(r.changelogFixes.map((c) => [c.source ?? c.package, c]));
  for (const p of planned) {
    const changelog = p.from === undefined ? undefined : cvesBySource.get(p.source);
    const cves = p.from === undefined ? '' : changelog === undefined ? (dryRun ? '  CVEs: known after download' : '  CVEs: no changelog of its own') : `  CVEs (changelog): ${changelog.cves.join(', ') || 'none named'}${changelog.complete === false ? ' (changelog trimmed: maybe more)' : ''}`;
    lines.push(`  ${p.name}:${p.arch} ${p.from ?? '(new)'} → ${p.to}  from ${p.repo}  (${p.reason})${cves}`);
  }
  if (r.securityUpdatesLeftOut.length > 0) lines.push(`  left out (--severity; no matching advisory): ${r.securityUpdatesLeftOut.map((u) => `${u.name} ${u.installed} → ${u.candidate} (security update in ${u.suite})`).join(', ')}`);
  for (const a of r.resolved.alreadyFixed) lines.push(`  ${a.package} ${a.version}: already at or above the fixed version`);
  const cannot = [...r.resolved.unfixable.map((u) => `${u.package}: ${u.reason}`), ...r.wanted.notFixable.map((n) => `${n.package} ${n.version} ${n.id}: ${n.reason}`)];
  if (cannot.length > 0) {
    lines.push('', 'Not fixed by patching:');
    for (const c of cannot) lines.push(`  ${c}`);
  }
  if (r.written !== undefined) {
    const pushed = r.written.pushed;
    const blobs = pushed === undefined ? '' : `; blobs: ${pushed.uploaded} uploaded, ${pushed.mounted} mounted, ${pushed.existing} already there`;
    lines.push('', `${pushed === undefined ? 'Wrote' : `Pushed ${r.written.path} =`} ${r.patchedReference} (${r.written.layerCount} layers${r.written.replacedPatchLayer ? ', previous patch layer replaced' : ''}${blobs}), manifest ${r.written.manifestDigest}`);
    lines.push(`Rescan: ${r.fixed.length} fixed, ${r.notTaken.length} planned fix(es) not taken, ${r.after?.findings.length ?? 0} findings remain`);
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}
