import type { Clock } from './clock.ts';

export interface RequestBudgetOptions {
  readonly requestsPerMinute: number;
  /** Slots that may be spent at once after a quiet spell; default one second's worth. */
  readonly burst?: number;
  readonly clock: Clock;
}

/**
 * One token bucket per OAuth client (the platform counts requests per client-credentials token,
 * docs/platform-facts.md §6). Every request of the client takes a slot, logins and retries included. Waiters
 * are served in arrival order. A 429 pauses the whole bucket, not just the call that got it, because the
 * platform refuses every call of the client until Retry-After.
 */
export class RequestBudget {
  private perMs: number;
  private burst: number;
  private readonly fixedBurst: number | undefined;
  private readonly clock: Clock;
  private tokens: number;
  private refilledAt: number;
  private pausedUntil = 0;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(options: RequestBudgetOptions) {
    if (!(options.requestsPerMinute > 0)) throw new RangeError('requestsPerMinute must be positive');
    this.fixedBurst = options.burst;
    this.perMs = options.requestsPerMinute / 60_000;
    this.burst = burstFor(options.requestsPerMinute, options.burst);
    this.clock = options.clock;
    this.tokens = this.burst;
    this.refilledAt = this.clock.now();
  }

  /** Waits for a slot and takes it; resolves with the milliseconds waited. */
  acquire(): Promise<number> {
    const startedAt = this.clock.now();
    const turn = this.tail.then(() => this.take()).then(() => this.clock.now() - startedAt);
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  /** The rate every caller sharing the bucket gets from now on (one OAuth client used by several orgs). */
  setRate(requestsPerMinute: number): void {
    if (!(requestsPerMinute > 0)) throw new RangeError('requestsPerMinute must be positive');
    this.refill(this.clock.now());
    this.perMs = requestsPerMinute / 60_000;
    this.burst = burstFor(requestsPerMinute, this.fixedBurst);
    this.tokens = Math.min(this.tokens, this.burst);
  }

  /** Refuses every slot until `ms` from now (a 429's Retry-After); the bucket restarts empty. */
  pause(ms: number): void {
    const until = this.clock.now() + Math.max(0, ms);
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.tokens = 0;
    this.refilledAt = until;
  }

  private async take(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        await this.clock.sleep(this.pausedUntil - now);
        continue;
      }
      this.refill(now);
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil((1 - this.tokens) / this.perMs));
    }
  }

  private refill(now: number): void {
    if (now <= this.refilledAt) return;
    this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.perMs);
    this.refilledAt = now;
  }
}

// A small burst keeps N calls close to N/R minutes; a full minute's worth could double the rate across a
// window boundary of the platform's own counter.
function burstFor(requestsPerMinute: number, burst: number | undefined): number {
  return Math.max(1, burst ?? Math.ceil(requestsPerMinute / 60));
}
