import { describe, expect, it } from 'vitest';
import { parseSecfixIds } from './secfix-ids.js';

describe('parseSecfixIds', () => {
  it.each([
    ['CVE-2019-1234', { ids: [{ id: 'CVE-2019-1234', related: [] }] }],
    ['  CVE-2017-11610  ', { ids: [{ id: 'CVE-2017-11610', related: [] }] }],
    ['ALPINE-13661', { ids: [{ id: 'ALPINE-13661', related: [] }] }],
    ['CVE-2019-1234 CVE-2019-5678', { ids: [{ id: 'CVE-2019-1234', related: [] }, { id: 'CVE-2019-5678', related: [] }] }],
    ['CVE-2016-6258 XSA-182', { ids: [{ id: 'CVE-2016-6258', related: ['XSA-182'] }] }],
    ['CVE-2018-3639   XSA-263', { ids: [{ id: 'CVE-2018-3639', related: ['XSA-263'] }] }],
    ['CVE-2017-2887 TALOS-2017-0394', { ids: [{ id: 'CVE-2017-2887', related: ['TALOS-2017-0394'] }] }],
    [
      'CVE-2017-5753 CVE-2017-5715 CVE-2017-5754 XSA-254 XPTI',
      { ids: ['CVE-2017-5753', 'CVE-2017-5715', 'CVE-2017-5754'].map((id) => ({ id, related: ['XSA-254'] })) },
    ],
    ['XSA-207', { ids: [{ id: 'XSA-207', related: [] }] }],
    ['CVE-????-?????  XSA-295', { ids: [{ id: 'XSA-295', related: [] }] }],
    ['ZBX-11023', { ids: [{ id: 'ZBX-11023', related: [] }] }],
    ['wnpa-sec-2017-18', { ids: [{ id: 'wnpa-sec-2017-18', related: [] }] }],
    ['CVE_2019-2426', { ids: [{ id: 'CVE-2019-2426', related: [] }] }],
    ['CVE 2018-16859', { ids: [{ id: 'CVE-2018-16859', related: [] }] }],
    ['CVE-2017-8073.patch', { ids: [{ id: 'CVE-2017-8073', related: [] }] }],
    ['CVE-2017-17434-1', { ids: [{ id: 'CVE-2017-17434', related: [] }] }],
    ['CVE-2018-14468 (FrameRelay)', { ids: [{ id: 'CVE-2018-14468', related: [] }], note: 'FrameRelay' }],
    [
      'CVE-2018-10103 (SMB - partially fixed, but SMB printing disabled)',
      { ids: [{ id: 'CVE-2018-10103', related: [] }], note: 'SMB - partially fixed, but SMB printing disabled' },
    ],
    ['CVE-2017-2616 (+ regression fix)', { ids: [{ id: 'CVE-2017-2616', related: [] }], note: '+ regression fix' }],
    ['GHSA-jfh8-c2jp-5v3q', { ids: [{ id: 'GHSA-jfh8-c2jp-5v3q', related: [] }] }],
    ['CVE-2019-1234 CVE-2019-1234', { ids: [{ id: 'CVE-2019-1234', related: [] }] }],
  ])('%j', (text, expected) => {
    expect(parseSecfixIds(text)).toEqual(expected);
  });

  it.each([
    ['', 'an empty secfix string'],
    ['   ', 'an empty secfix string'],
    ['CVE-????-?????', 'no vulnerability id in "CVE-????-?????"'],
    ['fixed upstream', 'no vulnerability id in "fixed upstream"'],
    ['x'.repeat(2000), 'a secfix string longer than 1024 characters'],
  ])('garbage %j', (text, problem) => {
    expect(parseSecfixIds(text)).toEqual({ problem });
  });
});
