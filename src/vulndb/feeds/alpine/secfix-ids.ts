/**
 * The ids in one Alpine secfix string. Most are one CVE (`CVE-2019-1234`), some are Alpine's own (`ALPINE-13661`)
 * or another project's (`XSA-207`, `ZBX-11023`, `wnpa-sec-2017-18`); the hand-written secdb also has several ids in
 * one string (`CVE-2018-3620 CVE-2018-3646 XSA-273`), comments (`CVE-2018-14468 (FrameRelay)`), typos
 * (`CVE_2019-2426`, `CVE 2018-16859`, `CVE-2017-8073.patch`) and placeholders (`CVE-????-?????  XSA-295`).
 *
 * Rule: every CVE in the string is an id of its own; other ids beside a CVE are `related` to it; without a CVE,
 * each other id is an id of its own; a parenthesised comment becomes the note; a string with no id is garbage.
 */

export interface SecfixId {
  id: string;
  related: string[];
}

export type SecfixIds = { ids: SecfixId[]; note?: string } | { problem: string };

const MAX_CHARS = 1_024;
/** `CVE-2019-1234`, also written `CVE_2019-1234` and `CVE 2019-1234`. */
const CVE = /\bCVE[-_ ](\d{4})-(\d{4,7})(?!\d)/gi;
/** `XSA-207`, `TALOS-2017-0394`, `ALPINE-13661`, `wnpa-sec-2017-18`, `GHSA-jfh8-c2jp-5v3q`. */
const OTHER = /\bGHSA(?:-[0-9a-z]{4}){3}\b|\b[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)*(?:-\d+)+\b/g;
const COMMENT = /\(([^()]*)\)/g;

export function parseSecfixIds(value: string): SecfixIds {
  if (value.length > MAX_CHARS) return { problem: `a secfix string longer than ${MAX_CHARS} characters` };
  let rest = value.trim();
  if (rest === '') return { problem: 'an empty secfix string' };

  const notes: string[] = [];
  rest = rest.replace(COMMENT, (_, text: string) => {
    if (text.trim() !== '') notes.push(text.trim());
    return ' ';
  });
  const cves: string[] = [];
  rest = rest.replace(CVE, (_, year: string, number: string) => {
    cves.push(`CVE-${year}-${number}`);
    return ' ';
  });
  const others = [...rest.matchAll(OTHER)].map((m) => m[0]).filter((id) => !/^CVE-/i.test(id));

  const unique = (list: string[]): string[] => [...new Set(list)];
  const ids: SecfixId[] =
    cves.length > 0
      ? unique(cves).map((id) => ({ id, related: unique(others).sort() }))
      : unique(others).map((id) => ({ id, related: [] }));
  if (ids.length === 0) return { problem: `no vulnerability id in ${JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value)}` };
  return notes.length > 0 ? { ids, note: notes.join('; ') } : { ids };
}
