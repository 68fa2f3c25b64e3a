import { currentPriority, PRIORITIES, rankOf, type Priority } from '../lib/priority.ts';
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
 * are served by priority (src/lib/priority.ts: the lane of the reconcile that makes the call, read from its
 * async context), in arrival order within one priority: a Secret rotation's call takes the next slot ahead
 * of calls already waiting for creations and drift checks. The priority only orders waiters; the rate and
 * burst are the same for all. A 429 pauses the whole bucket, not just the call that got it, because the
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
  /** Waiters per priority, most urgent first, each first in first out. */
  private readonly waiters: Array<Array<() => void>> = PRIORITIES.map(() => []);
  private serving = false;

  constructor(options: RequestBudgetOptions) {
    if (!(options.requestsPerMinute > 0)) throw new RangeError('requestsPerMinute must be positive');
    this.fixedBurst = options.burst;
    this.perMs = options.requestsPerMinute / 60_000;
    this.burst = burstFor(options.requestsPerMinute, options.burst);
    this.clock = options.clock;
    this.tokens = this.burst;
    this.refilledAt = this.clock.now();
  }

  /** Waits for a slot and takes it; resolves with the milliseconds waited. Default: the running work's priority. */
  acquire(priority: Priority = currentPriority()): Promise<number> {
    const startedAt = this.clock.now();
    return new Promise((resolve) => {
      this.waiters[rankOf(priority)]!.push(() => resolve(this.clock.now() - startedAt));
      this.serve();
    });
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

  /** Hands out slots while anyone waits; one loop at a time, so a slot goes to the most urgent waiter of its moment. */
  private serve(): void {
    if (this.serving) return;
    this.serving = true;
    void this.hand().catch(() => {
      // A clock that failed to sleep: let the next acquire start over rather than strand its waiters.
      this.serving = false;
    });
  }

  private async hand(): Promise<void> {
    for (;;) {
      const next = this.waiters.find((waiters) => waiters.length > 0);
      if (next === undefined) {
        this.serving = false; // synchronously with the check: an acquire after this starts a new loop
        return;
      }
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        await this.clock.sleep(this.pausedUntil - now);
        continue;
      }
      this.refill(now);
      if (this.tokens >= 1) {
        this.tokens -= 1;
        next.shift()!();
        continue;
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
