import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measurement {
  seconds: number;
  /** Peak resident set size in MB (GNU time's %M), for the whole process tree's largest member. */
  peakRssMb: number;
}

/** Wall time and peak RSS of one command, through GNU time. Output goes to /dev/null; failure throws with stderr. */
export function measure(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Measurement {
  const dir = mkdtempSync(join(tmpdir(), 'grout-bench-'));
  const timeFile = join(dir, 'time');
  try {
    const result = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%e %M', command, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env,
      maxBuffer: 1 << 26,
    });
    if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr.toString().slice(-2000)}`);
    const [seconds, kb] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
    return { seconds: seconds!, peakRssMb: Math.round(kb! / 1024) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Best of n runs (the usual way to take the noise of a shared machine out of a wall-clock figure). */
export function bestOf(n: number, run: () => Measurement): Measurement {
  let best: Measurement | undefined;
  for (let i = 0; i < n; i++) {
    const m = run();
    if (!best || m.seconds < best.seconds) best = { seconds: m.seconds, peakRssMb: Math.max(m.peakRssMb, best?.peakRssMb ?? 0) };
    else best.peakRssMb = Math.max(best.peakRssMb, m.peakRssMb);
  }
  return best!;
}
