import { describe, expect, it } from 'vitest';
import { isLoopback, registryErrors } from './registry-client.js';

describe('registry client helpers', () => {
  it('knows loopback hosts (plain http is allowed only there, or with --insecure)', () => {
    for (const host of ['localhost', 'a.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['10.0.0.1', 'example.com', '127.0.0.1.example.com', 'localhost.example.com', '[::2]']) expect(isLoopback(host), host).toBe(false);
  });

  it('reads distribution error bodies defensively', () => {
    expect(registryErrors(Buffer.from('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]}'))).toEqual([
      { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' },
    ]);
    expect(registryErrors(Buffer.from('<html>502</html>'))).toEqual([]);
    expect(registryErrors(Buffer.from('{"errors":"x"}'))).toEqual([]);
    expect(registryErrors(Buffer.from('{"errors":[1,null,{"code":5}]}'))).toEqual([]);
    expect(registryErrors(Buffer.from('null'))).toEqual([]);
  });
});
