/**
 * Credentials never reach a message or a log line: URLs lose their user-info and query string (blob redirects to
 * object storage carry signatures there; token realms may carry tokens), and known secret-bearing words are masked.
 */
export function redactUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return '<unparsable URL>';
  }
  const userInfo = parsed.username || parsed.password ? '***@' : '';
  return `${parsed.protocol}//${userInfo}${parsed.host}${parsed.pathname}${parsed.search ? '?…' : ''}`;
}

/** Mask anything that looks like a credential inside free text (server error bodies end up in messages). */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***')
    .replace(/("?(?:password|secret|token|access_token|refresh_token|identitytoken|auth)"?\s*[:=]\s*)"?[^"\s,&}]+"?/gi, '$1***')
    .replace(/\/\/[^/@\s]+@/g, '//***@');
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('***');
  return out;
}
