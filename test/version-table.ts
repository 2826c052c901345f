import { readFileSync } from 'node:fs';
import { vulndata } from './shared-data.js';

export interface TableRow {
  line: number;
  a: string;
  op: string;
  b: string;
}

/** osv-scalibr's text tables in vulndata/version-compare: `A <op> B` per line; `#` and `//` lines are comments. */
export function readTable(file: string): TableRow[] {
  const rows: TableRow[] = [];
  readFileSync(vulndata('version-compare', file), 'utf8')
    .split('\n')
    .forEach((text, index) => {
      const trimmed = text.trim();
      if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('//')) return;
      const match = /^(\S+) ([<>=]) (\S+)$/.exec(trimmed);
      if (match === null) throw new Error(`${file}:${index + 1}: unreadable line ${JSON.stringify(text)}`);
      rows.push({ line: index + 1, a: match[1] as string, op: match[2] as string, b: match[3] as string });
    });
  return rows;
}

/** The sign a table's operator stands for. */
export const opSign: Record<string, number> = { '<': -1, '=': 0, '>': 1 };

/** -1, 0 or 1 (never -0), or undefined for an unreadable comparison. */
export function sign(n: number | undefined): number | undefined {
  return n === undefined ? undefined : Math.sign(n) + 0;
}
