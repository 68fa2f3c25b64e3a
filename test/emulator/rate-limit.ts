// Per-token sliding one-minute window (docs/platform-facts.md §6: 300 requests/min per client-credentials token).
import type { Clock } from './clock.ts';
import { tooManyRequests } from './errors.ts';

const WINDOW_MS = 60_000;

export class RateLimiter {
  private readonly windows = new Map<string, number[]>();
  private readonly clock: Clock;
  private readonly requestsPerMinute: number;

  constructor(clock: Clock, requestsPerMinute: number) {
    this.clock = clock;
    this.requestsPerMinute = requestsPerMinute;
  }

  /** Admits one call for `token` and returns the rate headers, or throws the normalized 429.
   * Rejected calls do not count against the window. */
  admit(token: string): Record<string, string> {
    const now = this.clock.now();
    const window = (this.windows.get(token) ?? []).filter((at) => at > now - WINDOW_MS);
    this.windows.set(token, window);
    const oldest = window[0];
    if (window.length >= this.requestsPerMinute && oldest !== undefined) {
      const retryAfter = Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
      throw tooManyRequests(retryAfter, this.headers(window.length, retryAfter));
    }
    window.push(now);
    const first = window[0] ?? now;
    return this.headers(window.length, Math.max(0, Math.ceil((first + WINDOW_MS - now) / 1000)));
  }

  reset(): void {
    this.windows.clear();
  }

  // Best-effort: these headers were in the JS README until 2022 (§6).
  private headers(count: number, resetSeconds: number): Record<string, string> {
    return {
      'inin-ratelimit-allowed': String(this.requestsPerMinute),
      'inin-ratelimit-count': String(count),
      'inin-ratelimit-reset': String(resetSeconds),
    };
  }
}
