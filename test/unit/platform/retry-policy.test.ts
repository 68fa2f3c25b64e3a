import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, retryAfterMs } from '../../../src/platform/retry-policy.ts';

const now = Date.parse('2026-07-01T12:00:00Z');
const fallback = DEFAULT_RETRY_POLICY.defaultRetryAfterMs;

describe('retryAfterMs', () => {
  it.each([
    { header: '3', expected: 3_000 },
    { header: ' 45 ', expected: 45_000 },
    { header: '0', expected: 0 },
    { header: '1.5', expected: 1_500 },
    { header: 'Wed, 01 Jul 2026 12:00:10 GMT', expected: 10_000 },
    { header: 'Wed, 01 Jul 2026 11:00:00 GMT', expected: 0 },
    { header: null, expected: fallback },
    { header: '', expected: fallback },
    { header: 'soon', expected: fallback },
    { header: '-5', expected: fallback },
    { header: '99999999', expected: fallback },
  ])('reads Retry-After $header as $expected ms', ({ header, expected }) => {
    expect(retryAfterMs(header, now, DEFAULT_RETRY_POLICY)).toBe(expected);
  });
});

describe('backoffDelayMs', () => {
  it('grows exponentially with jitter and stays under the cap', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelayMs(1, policy, () => 0)).toBe(50);
    expect(backoffDelayMs(1, policy, () => 1)).toBe(100);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(200);
    expect(backoffDelayMs(10, policy, () => 1)).toBe(1_000);
    expect(backoffDelayMs(10, policy, () => 0)).toBe(500);
  });
});
