import { backoffDelayMs as exponentialBackoffMs } from '../lib/backoff.ts';

/** How hard the client tries before it gives up on a call. */
export interface RetryPolicy {
  /** Attempts of one call that failed with a 5xx, a timeout or a connection error (first one included). */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** No new attempt after a failure starts later than this after the first one. */
  readonly maxElapsedMs: number;
  /** 429s one call sits out before it reports RateLimited. */
  readonly maxRateLimitRetries: number;
  /** A 429 asking for a longer wait than this is reported at once (the budget stays paused). */
  readonly maxRateLimitWaitMs: number;
  /** Used when Retry-After is missing or unreadable. */
  readonly defaultRetryAfterMs: number;
}

// TF retries with 1 s to 30 s waits (docs/platform-facts.md §6); a reconcile should not hold a worker that long
// for a 5xx, so attempts and total time are smaller here and the work queue's own backoff takes over.
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxElapsedMs: 30_000,
  maxRateLimitRetries: 5,
  maxRateLimitWaitMs: 60_000,
  defaultRetryAfterMs: 5_000,
};

// Beyond an hour a Retry-After is more likely a bug than an instruction.
const MAX_CREDIBLE_RETRY_AFTER_MS = 3_600_000;

/** The wait before attempt `failedAttempts + 1`: the one backoff, with "equal jitter". */
export function backoffDelayMs(failedAttempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return exponentialBackoffMs(failedAttempts, { baseDelayMs: policy.baseDelayMs, maxDelayMs: policy.maxDelayMs, jitter: 'equal' }, random);
}

/** Milliseconds to wait for a 429's Retry-After (seconds, or an HTTP date), or the policy's default. */
export function retryAfterMs(header: string | null, now: number, policy: RetryPolicy): number {
  if (header === null || header.trim() === '') return policy.defaultRetryAfterMs;
  const value = header.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000;
  else {
    // An HTTP date always names its month; Date.parse would read "-5" as a year.
    const at = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(at)) return policy.defaultRetryAfterMs;
    ms = Math.max(0, at - now);
  }
  if (!Number.isFinite(ms) || ms > MAX_CREDIBLE_RETRY_AFTER_MS) return policy.defaultRetryAfterMs;
  return Math.ceil(ms);
}
