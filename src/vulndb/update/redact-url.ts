/** URLs as they may appear in messages: user names, passwords and token-like query values replaced by `***`. */
const SECRET_PARAM = /token|key|secret|password|passwd|auth|sig|credential/i;

export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = '***';
    parsed.password = '';
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(key)) parsed.searchParams.set(key, '***');
  }
  return parsed.href;
}
