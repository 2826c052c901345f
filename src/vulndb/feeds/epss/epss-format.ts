/**
 * FIRST EPSS scores (https://www.first.org/epss/data_stats), the daily CSV, plain or gzip (the public file is
 * `epss_scores-YYYY-MM-DD.csv.gz`, ~300k rows):
 *
 * ```
 * #model_version:v2023.03.01,score_date:2024-10-25T00:00:00+0000
 * cve,epss,percentile
 * CVE-1999-0005,0.91963,0.99030
 * ```
 * Streamed line by line. A row that cannot be read is skipped with its line number; a file without the
 * `cve,epss,…` header is not EPSS and is rejected.
 */
import type { EpssScore, FeedItem } from '../../advisory.js';
import type { FeedFormatHandler, FeedInput, ParseContext } from '../../feed.js';
import { feedFormatError, headText, readFeedBytes } from '../common/feed-file.js';
import { readLines } from '../common/line-reader.js';
import { isDate } from '../kev/kev-format.js';

const MAX_BYTES = 1024 * 1024 * 1024;
const MAX_LINE_BYTES = 4096;
const CVE = /^CVE-\d{4}-\d{4,8}$/;
const NUMBER = /^(?:0|[1-9]\d*)?(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

export const epssFormat: FeedFormatHandler = {
  format: 'epss',
  version: 1,
  sniff(_path: string, head: Uint8Array, isDirectory: boolean): boolean {
    if (isDirectory) return false;
    const text = headText(head).trimStart();
    return text.startsWith('#model_version:') || /^cve,epss(,|\r?\n)/i.test(text);
  },
  parse(input: FeedInput, context: ParseContext): AsyncIterable<FeedItem> {
    return parseEpss(input, context);
  },
};

interface Columns {
  cve: number;
  epss: number;
  percentile: number;
}

async function* parseEpss(input: FeedInput, context: ParseContext): AsyncGenerator<FeedItem> {
  let date: string | undefined;
  let columns: Columns | undefined;
  for await (const line of readLines(readFeedBytes(input, { maxBytes: MAX_BYTES, signal: context.signal }), MAX_LINE_BYTES)) {
    const where = `${input.label}:${line.number}`;
    if (line.tooLong) {
      if (columns === undefined) throw feedFormatError(input.label, `line ${line.number}: not an EPSS CSV (line too long before the header)`);
      yield { type: 'skipped', where, reason: 'line too long' };
      continue;
    }
    const text = line.text.trim();
    if (text === '') continue;
    if (text.startsWith('#')) {
      const scoreDate = /(?:^#|,)score_date:([^,]*)/.exec(text)?.[1]?.trim();
      if (scoreDate !== undefined) {
        const day = scoreDate.slice(0, 10);
        if (isDate(day) && /^\d{4}-\d{2}-\d{2}(T[\d:.+\-Z]*)?$/.test(scoreDate)) date = day;
        else yield { type: 'skipped', where, reason: `score_date is not a date: ${JSON.stringify(scoreDate.slice(0, 60))}; scores kept without a date` };
      }
      continue;
    }
    if (columns === undefined) {
      columns = header(text);
      if (columns === undefined) throw feedFormatError(input.label, `line ${line.number}: not an EPSS CSV (expected a "cve,epss,percentile" header)`);
      continue;
    }
    const score = row(text, columns, date);
    if (typeof score === 'string') yield { type: 'skipped', where, reason: score };
    else yield { type: 'epss', score };
  }
}

function header(text: string): Columns | undefined {
  const names = text.split(',').map((name) => name.trim().toLowerCase());
  const cve = names.indexOf('cve');
  const epss = names.indexOf('epss');
  const percentile = names.indexOf('percentile');
  return cve === -1 || epss === -1 || percentile === -1 ? undefined : { cve, epss, percentile };
}

function row(text: string, columns: Columns, date: string | undefined): EpssScore | string {
  const cells = text.split(',');
  const cve = cells[columns.cve]?.trim() ?? '';
  if (!CVE.test(cve)) return `not a CVE id: ${JSON.stringify(cve.slice(0, 60))}`;
  const score = probability(cells[columns.epss]);
  const percentile = probability(cells[columns.percentile]);
  if (score === undefined) return `${cve}: epss is not a number between 0 and 1: ${JSON.stringify((cells[columns.epss] ?? '').slice(0, 40))}`;
  if (percentile === undefined) return `${cve}: percentile is not a number between 0 and 1: ${JSON.stringify((cells[columns.percentile] ?? '').slice(0, 40))}`;
  const result: EpssScore = { cve, score, percentile };
  if (date !== undefined) result.date = date;
  return result;
}

function probability(cell: string | undefined): number | undefined {
  const text = cell?.trim() ?? '';
  if (text === '' || text === '.' || !NUMBER.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
}
