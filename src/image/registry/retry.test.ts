import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, parseRetryAfter, retryDelay } from './retry.js';

describe('Retry-After and back-off', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('Sat, 28 Nov 2026 12:00:00 GMT');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sat, 28 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('honours Retry-After up to the cap, and otherwise backs off exponentially with jitter', () => {
    expect(retryDelay(0, 2000, DEFAULT_RETRY)).toBe(2000);
    expect(retryDelay(0, 10 ** 9, DEFAULT_RETRY)).toBe(DEFAULT_RETRY.maxDelayMs);
    const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelay(0, undefined, policy, () => 1)).toBe(100);
    expect(retryDelay(2, undefined, policy, () => 1)).toBe(400);
    expect(retryDelay(2, undefined, policy, () => 0)).toBe(200);
    expect(retryDelay(30, undefined, policy, () => 1)).toBe(1000);
  });
});
