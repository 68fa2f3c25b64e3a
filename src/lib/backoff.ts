// The one exponential backoff: the work queue's per-key retries, the informer's failed lists and
// watches, and the platform client's retries of one call all wait this long.

export interface BackoffPolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /**
   * How the delay is spread so that callers that failed together retry apart: a fraction `j` adds up to
   * `j` of the step at random (client-go's workqueue); `'equal'` waits half the step plus a random share
   * of the other half ("equal jitter"). Default 0: no jitter.
   */
  readonly jitter?: number | 'equal';
}

/** base * 2^(failedAttempts - 1), capped at max, with the policy's jitter; never above max. */
export function backoffDelayMs(failedAttempts: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  const jitter = policy.jitter ?? 0;
  const delay = jitter === 'equal' ? step / 2 + (random() * step) / 2 : step * (1 + jitter * random());
  return Math.round(Math.min(policy.maxDelayMs, delay));
}
