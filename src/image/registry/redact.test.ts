import { describe, expect, it } from 'vitest';
import { redactText, redactUrl } from './redact.js';

describe('redaction', () => {
  it('drops user-info and query strings from URLs', () => {
    expect(redactUrl('https://me:pw@host:5000/v2/a/blobs/sha256:1?X-Amz-Signature=abc')).toBe('https://***@host:5000/v2/a/blobs/sha256:1?…');
    expect(redactUrl(new URL('http://127.0.0.1/token'))).toBe('http://127.0.0.1/token');
    expect(redactUrl('not a url')).toBe('<unparsable URL>');
  });

  it('masks credentials in free text', () => {
    expect(redactText('Authorization: Bearer eyJhbGciOi.x.y failed')).toBe('Authorization: Bearer *** failed');
    expect(redactText('{"token":"abc123","x":1}')).toBe('{"token":***,"x":1}');
    expect(redactText('password=hunter22&user=me')).toBe('password=***&user=me');
    expect(redactText('see https://u:p@h/x')).toBe('see https://***@h/x');
    expect(redactText('echoed hunter22 back', ['hunter22'])).toBe('echoed *** back');
  });
});
