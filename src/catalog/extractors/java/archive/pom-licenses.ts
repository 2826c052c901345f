/**
 * Licence names from a `pom.xml` beside a pom.properties (`<licenses><license><name>`), as trivy reads them for
 * the artifacts a shaded jar embeds. In the POM model `<licenses>` only appears under `<project>`, so the first
 * block is the project's own. Scanned with indexOf, not backtracking regular expressions: the text is hostile.
 */

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (match, body: string) => {
    if (body.startsWith('#x')) return safeCodePoint(Number.parseInt(body.slice(2), 16)) ?? match;
    if (body.startsWith('#')) return safeCodePoint(Number.parseInt(body.slice(1), 10)) ?? match;
    return entities[body] ?? match;
  });
}

function safeCodePoint(code: number): string | undefined {
  return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

function withoutComments(xml: string): string {
  const parts: string[] = [];
  let at = 0;
  for (;;) {
    const open = xml.indexOf('<!--', at);
    if (open < 0) break;
    parts.push(xml.slice(at, open));
    const close = xml.indexOf('-->', open + 4);
    if (close < 0) return parts.join('');
    at = close + 3;
  }
  parts.push(xml.slice(at));
  return parts.join('');
}

/** The text between `<tag>` and `</tag>` from `from`, and where the element ends. */
function element(xml: string, tag: string, from: number): { body: string; end: number } | undefined {
  const open = xml.indexOf(`<${tag}>`, from);
  if (open < 0) return undefined;
  const start = open + tag.length + 2;
  const close = xml.indexOf(`</${tag}>`, start);
  if (close < 0) return undefined;
  return { body: xml.slice(start, close), end: close + tag.length + 3 };
}

export function pomLicenses(xml: string): string[] {
  const block = element(withoutComments(xml), 'licenses', 0);
  if (block === undefined) return [];
  const names: string[] = [];
  let at = 0;
  for (let license = element(block.body, 'license', at); license !== undefined; license = element(block.body, 'license', at)) {
    at = license.end;
    const name = element(license.body, 'name', 0);
    if (name === undefined || name.body.includes('<')) continue;
    const decoded = decodeXml(name.body).trim();
    if (decoded !== '') names.push(decoded);
  }
  return [...new Set(names)];
}
