/**
 * Text for GitHub-flavoured markdown table cells and prose (https://github.github.com/gfm/#tables-extension-):
 * `|` would end the cell and a newline the row, so they are escaped and flattened; other control characters show
 * as U+FFFD; `<`, `>` and `&` become
 * entities so advisory text cannot inject HTML into a PR comment; backslash, backtick, `*`, `_`, `[`, `]` are
 * backslash-escaped so a summary cannot format or link.
 */
export function markdownCell(text: string): string {
  return text
    .replace(/\r\n?|\n/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|])/g, '\\$1')
    .trim();
}

/** A link whose text is escaped and whose URL cannot break out of the parentheses. */
export function markdownLink(text: string, url: string): string {
  return `[${markdownCell(text)}](${url.replace(/[()\s<>]/g, (c) => (c === '(' ? '%28' : c === ')' ? '%29' : encodeURIComponent(c)))})`;
}
