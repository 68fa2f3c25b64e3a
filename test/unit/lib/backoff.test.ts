// The one exponential backoff, in both of its jitter styles.
import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../../src/lib/backoff.ts';

describe('backoffDelayMs', () => {
  it.each([
    { scenario: 'the first failure waits the base delay', failures: 1, jitter: 0, random: 0.5, delay: 100 },
    { scenario: 'each failure doubles the wait', failures: 4, jitter: 0, random: 0.5, delay: 800 },
    { scenario: 'the wait never passes the maximum', failures: 30, jitter: 0, random: 0.5, delay: 1_000 },
    { scenario: 'a jitter fraction adds up to that share of the step', failures: 2, jitter: 0.2, random: 0.5, delay: 220 },
    { scenario: 'jitter never lifts the wait past the maximum', failures: 30, jitter: 0.2, random: 0.99, delay: 1_000 },
    { scenario: 'equal jitter waits at least half the step', failures: 3, jitter: 'equal' as const, random: 0, delay: 200 },
    { scenario: 'equal jitter waits at most the whole step', failures: 3, jitter: 'equal' as const, random: 1, delay: 400 },
  ])('$scenario', ({ failures, jitter, random, delay }) => {
    expect(backoffDelayMs(failures, { baseDelayMs: 100, maxDelayMs: 1_000, jitter }, () => random)).toBe(delay);
  });
});
