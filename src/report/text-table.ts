/** Render rows as aligned columns separated by two spaces; the last column is never padded. */
export function textTable(header: string[], rows: string[][], options: { bold?: boolean } = {}): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const head = line(header);
  return [options.bold ? `\x1b[1m${head}\x1b[0m` : head, ...rows.map(line)].join('\n') + '\n';
}

/** Shorten `sha256:abcdef…` to its first 12 hex digits. */
export function shortDigest(digest: string | undefined): string {
  if (!digest) return '';
  const colon = digest.indexOf(':');
  return digest.slice(colon + 1, colon + 13);
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
