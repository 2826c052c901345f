/** `npm run bench:vuln`: only the vulnerability-database measurements of the benchmark. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runVulnBench, vulnBenchLines } from './vuln-bench.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const grout = existsSync(join(root, 'dist', 'cli', 'main.js')) ? join(root, 'bin', 'grout.js') : undefined;
const result = runVulnBench(grout, Number(process.env['GROUT_BENCH_RUNS'] ?? 3), (m) => process.stderr.write(`${m}\n`));
process.stdout.write(`${vulnBenchLines(result).join('\n')}\n`);
