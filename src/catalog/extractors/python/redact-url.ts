/**
 * `https://user:token@host/simple` → `https://host/simple`: lock files may carry a private index's credentials,
 * which must not travel into inventories and reports.
 */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
