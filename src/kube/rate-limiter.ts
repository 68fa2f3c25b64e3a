// Rate limiters for the work queue, after client-go's workqueue: a per-key exponential backoff and an
// overall token bucket, combined by taking the longer delay (client-go's DefaultControllerRateLimiter).
import { backoffDelayMs, type BackoffPolicy } from '../lib/backoff.ts';
import type { Clock } from './clock.ts';

export interface RateLimiter {
  /** How long `key` must wait before its next attempt; counts one more failure for it. */
  when(key: string): number;
  /** Clears what the limiter remembers of `key` (its failures). */
  forget(key: string): void;
  /** How many times `key` has failed since it was last forgotten. */
  numRequeues(key: string): number;
}

export interface BackoffOptions extends BackoffPolicy {
  /** Injected for deterministic tests; returns a number in [0, 1). */
  readonly random?: () => number;
}

/** The one backoff (src/lib/backoff.ts) per key: base * 2^failures, capped at max, with jitter. */
export class ItemExponentialBackoff implements RateLimiter {
  private readonly failures = new Map<string, number>();
  private readonly options: BackoffOptions;

  constructor(options: BackoffOptions) {
    this.options = { jitter: 0.1, ...options };
  }

  when(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    return backoffDelayMs(failures + 1, this.options, this.options.random);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

export interface TokenBucketOptions {
  /** Tokens added per second. */
  qps: number;
  /** Bucket size: how many retries may go at once. */
  burst: number;
}

/**
 * A token bucket that reserves: each call takes a token, and when none is left the delay grows by
 * 1/qps per call (like Go's rate.Limiter.Reserve), so a storm of failures is spread out, not dropped.
 */
export class TokenBucket implements RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly options: TokenBucketOptions,
    private readonly clock: Clock,
  ) {
    this.tokens = options.burst;
    this.last = clock.now();
  }

  when(_key: string): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.options.burst, this.tokens + ((now - this.last) / 1000) * this.options.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.options.qps) * 1000;
  }

  forget(_key: string): void {}

  numRequeues(_key: string): number {
    return 0;
  }
}

/** The longest delay of its limiters. */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: readonly RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.limiters = limiters;
  }

  when(key: string): number {
    return Math.max(0, ...this.limiters.map((limiter) => limiter.when(key)));
  }

  forget(key: string): void {
    for (const limiter of this.limiters) limiter.forget(key);
  }

  numRequeues(key: string): number {
    return Math.max(0, ...this.limiters.map((limiter) => limiter.numRequeues(key)));
  }
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseDelayMs: 500, maxDelayMs: 5 * 60_000, jitter: 0.1 };
export const DEFAULT_BUCKET: TokenBucketOptions = { qps: 10, burst: 100 };

export function createControllerRateLimiter(
  clock: Clock,
  backoff: BackoffOptions = DEFAULT_BACKOFF,
  bucket: TokenBucketOptions = DEFAULT_BUCKET,
): RateLimiter {
  return new MaxOfRateLimiter(new ItemExponentialBackoff(backoff), new TokenBucket(bucket, clock));
}
