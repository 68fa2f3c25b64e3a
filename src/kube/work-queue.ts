// A work queue of string keys with client-go's semantics (workqueue.Typed + DelayingQueue +
// RateLimitingQueue): a key queued many times is processed once, a key is never processed by two
// workers at once (one added while processing is queued again on done), nothing accepted is dropped,
// and delayed adds of one key coalesce to the earliest due time. Two additions: shutDownNow, which drops
// what is queued instead of handing it out, for a replica that must stop reconciling at once; and lanes
// (src/lib/priority.ts): keys are handed out from the most urgent non-empty lane, first in first out
// within a lane, and a key queued in one lane that is added to a more urgent one moves up (still one entry).
import { systemClock, type Clock } from './clock.ts';
import { createControllerRateLimiter, type BackoffOptions, type RateLimiter, type TokenBucketOptions } from './rate-limiter.ts';
import { nextResyncDelayMs } from './resync-schedule.ts';
import type { ReconcileResult } from '../lib/reconcile-result.ts';
import { followUpOf, moreUrgent, PRIORITIES, rankOf, retryOf, withPriority, type Priority } from '../lib/priority.ts';

/** Callbacks for the workqueue_* metrics; whoever wires Prometheus supplies them. Durations in ms. */
export interface QueueHooks {
  /** A key entered the queue (workqueue_adds_total); coalesced adds are not counted, as in client-go. */
  onAdd?(key: string): void;
  /** The number of keys waiting to be handed out changed (workqueue_depth). */
  onDepth?(depth: number): void;
  /** A key was handed to a worker after waiting `waitedMs` (workqueue_queue_duration_seconds). */
  onGet?(key: string, waitedMs: number): void;
  /** A worker finished a key after `workedMs` (workqueue_work_duration_seconds). */
  onDone?(key: string, workedMs: number): void;
  /** A key was re-queued with backoff (workqueue_retries_total). */
  onRetry?(key: string): void;
}

export interface WorkQueueOptions {
  clock?: Clock;
  /** Replaces the default limiter (per-key backoff combined with the overall bucket). */
  rateLimiter?: RateLimiter;
  /** Per-key exponential backoff; default 500 ms doubling to 5 min with 10% jitter. */
  backoff?: BackoffOptions;
  /** Overall retry rate; default 10/s with a burst of 100. */
  bucket?: TokenBucketOptions;
  hooks?: QueueHooks;
}

/** A key handed to a worker: the lane it came from, and how long it waited there. */
export interface Taken {
  readonly key: string;
  readonly priority: Priority;
  readonly waitedMs: number;
}

interface Delayed {
  key: string;
  due: number;
}

/** One lane's FIFO: `entries[head..]`; an entry whose `seq` is no longer its key's live one moved up and is skipped. */
interface Lane {
  entries: Array<{ key: string; seq: number }>;
  head: number;
}

export class WorkQueue {
  readonly clock: Clock;
  private readonly limiter: RateLimiter;
  private readonly hooks: QueueHooks;

  private readonly lanes: Lane[] = PRIORITIES.map(() => ({ entries: [], head: 0 }));
  /** Keys waiting to be handed out, with their live entry's sequence number. */
  private readonly queued = new Map<string, number>();
  private seq = 0;
  /** Keys that need processing (queued, or added again while being processed), with their lane. */
  private readonly dirty = new Map<string, Priority>();
  /** Keys being processed, with when their processing started. */
  private readonly processing = new Map<string, number>();
  private readonly enqueuedAt = new Map<string, number>();
  /** Delayed keys with their earliest due time and lane; `heap` orders them, stale heap entries are skipped. */
  private readonly waiting = new Map<string, { due: number; priority: Priority }>();
  private heap: Delayed[] = [];
  private cancelTimer: (() => void) | undefined;
  private timerDue: number | undefined;

  /** Workers waiting for a key, each with the least urgent lane it takes from. */
  private readonly getters: Array<{ upTo: number; resolve: (taken: Taken | undefined) => void }> = [];
  private readonly drainers: Array<() => void> = [];
  private shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.limiter = options.rateLimiter ?? createControllerRateLimiter(this.clock, options.backoff, options.bucket);
    this.hooks = options.hooks ?? {};
  }

  /** Queues `key` in the lane `priority`; a key already queued in a less urgent lane moves up to it. */
  add(key: string, priority: Priority = 'change'): void {
    if (this.shuttingDown) return;
    const current = this.dirty.get(key);
    if (current !== undefined) {
      if (rankOf(priority) >= rankOf(current)) return;
      this.dirty.set(key, priority);
      if (!this.queued.has(key)) return;
      this.enter(key, priority); // moves up; the old entry goes stale
      this.dispatch(); // a worker kept for urgent lanes may take it now
      return;
    }
    this.dirty.set(key, priority);
    this.hooks.onAdd?.(key);
    if (this.processing.has(key)) return; // queued again by done()
    this.push(key, priority);
  }

  /** Queues `key` after `delayMs`; delayed adds of one key coalesce to the earliest due time and the most urgent lane. */
  addAfter(key: string, delayMs: number, priority: Priority = 'followUp'): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key, priority);
      return;
    }
    const due = this.clock.now() + delayMs;
    const current = this.waiting.get(key);
    const merged = {
      due: Math.min(due, current?.due ?? due),
      priority: current === undefined ? priority : moreUrgent(priority, current.priority),
    };
    this.waiting.set(key, merged);
    if (merged.due === current?.due) return;
    pushHeap(this.heap, { key, due: merged.due });
    this.armTimer();
  }

  /** Queues `key` in the resync lane at its own slot of the period (resync-schedule.ts). */
  addResync(key: string, periodMs: number): void {
    this.addAfter(key, nextResyncDelayMs(key, periodMs, this.clock.now()), 'resync');
  }

  addRateLimited(key: string, priority: Priority = 'followUp'): void {
    if (this.shuttingDown) return;
    this.hooks.onRetry?.(key);
    this.addAfter(key, this.limiter.when(key), priority);
  }

  /** The key succeeded: its next failure starts the backoff from the base delay again. */
  forget(key: string): void {
    this.limiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.limiter.numRequeues(key);
  }

  /** The next key to process; waits for one. `undefined` once shut down and empty. */
  async get(): Promise<string | undefined> {
    return (await this.next())?.key;
  }

  /**
   * The next key to process with its lane, from lanes no less urgent than `upTo` (default: any); waits for
   * one. `undefined` once shut down and nothing it takes is queued.
   */
  next(upTo: Priority = 'resync'): Promise<Taken | undefined> {
    const taken = this.take(rankOf(upTo));
    if (taken !== undefined) return Promise.resolve(taken);
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push({ upTo: rankOf(upTo), resolve }));
  }

  done(key: string): void {
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    this.hooks.onDone?.(key, this.clock.now() - started);
    const again = this.dirty.get(key);
    if (again !== undefined) this.push(key, again);
    this.settleDrainers();
  }

  /** Keys waiting to be handed out (not counting delayed ones). */
  len(): number {
    return this.queued.size;
  }

  /** Keys waiting in each lane, for tests and diagnostics. */
  lengths(): Record<Priority, number> {
    const counts = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
    for (const key of this.queued.keys()) counts[this.dirty.get(key)!]++;
    return counts;
  }

  /** Seconds the oldest key of the resync lane has waited there; 0 when the lane is empty (the resync lag). */
  resyncLagSeconds(): number {
    const oldest = this.peek(this.lanes[rankOf('resync')]!);
    return oldest === undefined ? 0 : (this.clock.now() - (this.enqueuedAt.get(oldest) ?? this.clock.now())) / 1000;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /**
   * Stops accepting keys. Keys already queued are still handed out (as in client-go), delayed ones are
   * dropped, and workers waiting in get() receive `undefined` once the queue is empty.
   */
  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.timerDue = undefined;
    this.waiting.clear();
    this.heap = [];
    for (const getter of this.getters.splice(0)) getter.resolve(undefined);
    this.settleDrainers();
  }

  /**
   * Shuts down and drops every key not yet handed out, queued or delayed, instead of handing it out: a
   * replica that lost its Lease must not reconcile anything more (controller-runtime stops at once too).
   * Keys being processed finish, and are not queued again on done().
   */
  shutDownNow(): void {
    this.shutDown();
    for (const lane of this.lanes) {
      lane.entries = [];
      lane.head = 0;
    }
    this.queued.clear();
    this.dirty.clear();
    this.enqueuedAt.clear();
    this.hooks.onDepth?.(0);
    this.settleDrainers();
  }

  /** Shuts down and resolves when the queued keys are handed out and no key is being processed. */
  drain(): Promise<void> {
    this.shutDown();
    return new Promise((resolve) => {
      this.drainers.push(resolve);
      this.settleDrainers();
    });
  }

  /** Seconds of work in progress that has not finished (workqueue_unfinished_work_seconds). */
  unfinishedWorkSeconds(): number {
    const now = this.clock.now();
    let total = 0;
    for (const started of this.processing.values()) total += now - started;
    return total / 1000;
  }

  /** Seconds the longest-running worker has spent on its key (workqueue_longest_running_processor_seconds). */
  longestRunningProcessorSeconds(): number {
    const now = this.clock.now();
    let longest = 0;
    for (const started of this.processing.values()) longest = Math.max(longest, now - started);
    return longest / 1000;
  }

  private push(key: string, priority: Priority): void {
    this.enqueuedAt.set(key, this.clock.now());
    this.enter(key, priority);
    this.hooks.onDepth?.(this.len());
    this.dispatch();
  }

  /**
   * Hands queued keys to waiting workers that take their lane; a key goes to a worker that takes every
   * lane before one kept for urgent lanes, which so stays free for the next urgent key.
   */
  private dispatch(): void {
    for (let rank = this.mostUrgentRank(); rank !== undefined && this.getters.length > 0; rank = this.mostUrgentRank()) {
      const accepting = this.getters.filter((g) => g.upTo >= rank);
      const getter = accepting.find((g) => g.upTo === PRIORITIES.length - 1) ?? accepting[0];
      if (getter === undefined) return;
      this.getters.splice(this.getters.indexOf(getter), 1);
      getter.resolve(this.take(getter.upTo));
    }
  }

  private mostUrgentRank(): number | undefined {
    const rank = this.lanes.findIndex((lane) => this.peek(lane) !== undefined);
    return rank < 0 ? undefined : rank;
  }

  /** Appends the key's live entry to the lane (an entry it had in another lane goes stale). */
  private enter(key: string, priority: Priority): void {
    const seq = ++this.seq;
    this.queued.set(key, seq);
    this.lanes[rankOf(priority)]!.entries.push({ key, seq });
  }

  /** The first live key of the lane, dropping the stale entries before it. */
  private peek(lane: Lane): string | undefined {
    for (let entry = lane.entries[lane.head]; entry !== undefined; entry = lane.entries[lane.head]) {
      if (this.queued.get(entry.key) === entry.seq) return entry.key;
      lane.head++;
    }
    lane.entries = [];
    lane.head = 0;
    return undefined;
  }

  private take(upTo = PRIORITIES.length - 1): Taken | undefined {
    for (const lane of this.lanes.slice(0, upTo + 1)) {
      const key = this.peek(lane);
      if (key === undefined) continue;
      lane.head++;
      if (lane.head * 2 >= lane.entries.length) {
        lane.entries = lane.entries.slice(lane.head);
        lane.head = 0;
      }
      const now = this.clock.now();
      const priority = this.dirty.get(key) ?? 'change';
      this.queued.delete(key);
      this.dirty.delete(key);
      this.processing.set(key, now);
      const waitedMs = now - (this.enqueuedAt.get(key) ?? now);
      this.enqueuedAt.delete(key);
      this.hooks.onDepth?.(this.len());
      this.hooks.onGet?.(key, waitedMs);
      return { key, priority, waitedMs };
    }
    return undefined;
  }

  private settleDrainers(): void {
    if (!this.shuttingDown || this.processing.size > 0 || this.len() > 0) return;
    for (const drainer of this.drainers.splice(0)) drainer();
  }

  private armTimer(): void {
    const next = this.peekDelayed();
    if (next === undefined || next.due === this.timerDue) return;
    this.cancelTimer?.();
    this.timerDue = next.due;
    this.cancelTimer = this.clock.schedule(() => this.fireDelayed(), next.due - this.clock.now());
  }

  private fireDelayed(): void {
    this.cancelTimer = undefined;
    this.timerDue = undefined;
    const now = this.clock.now();
    for (let next = this.peekDelayed(); next !== undefined && next.due <= now; next = this.peekDelayed()) {
      popHeap(this.heap);
      const { priority } = this.waiting.get(next.key)!;
      this.waiting.delete(next.key);
      this.add(next.key, priority);
    }
    this.armTimer();
  }

  /** The earliest live delayed entry, discarding entries superseded by an earlier due time. */
  private peekDelayed(): Delayed | undefined {
    for (let top = this.heap[0]; top !== undefined; top = this.heap[0]) {
      if (this.waiting.get(top.key)?.due === top.due) return top;
      popHeap(this.heap);
    }
    return undefined;
  }
}

function pushHeap(heap: Delayed[], entry: Delayed): void {
  heap.push(entry);
  let index = heap.length - 1;
  while (index > 0) {
    const parent = (index - 1) >> 1;
    if (heap[parent]!.due <= heap[index]!.due) break;
    [heap[parent], heap[index]] = [heap[index]!, heap[parent]!];
    index = parent;
  }
}

function popHeap(heap: Delayed[]): void {
  const last = heap.pop();
  if (last === undefined || heap.length === 0) return;
  heap[0] = last;
  let index = 0;
  for (;;) {
    const left = 2 * index + 1;
    const right = left + 1;
    let smallest = index;
    if (left < heap.length && heap[left]!.due < heap[smallest]!.due) smallest = left;
    if (right < heap.length && heap[right]!.due < heap[smallest]!.due) smallest = right;
    if (smallest === index) return;
    [heap[smallest], heap[index]] = [heap[index]!, heap[smallest]!];
    index = smallest;
  }
}

/** What a handler asks of the queue once it succeeded: the reconcile result (src/lib/reconcile-result.ts). */
export type HandlerResult = ReconcileResult;

export type KeyHandler = (key: string) => Promise<HandlerResult | void>;

/** Callbacks for logs and reconcile metrics. Durations in ms. */
export interface WorkerHooks {
  onSuccess?(key: string, durationMs: number, result: HandlerResult | undefined): void;
  onError?(key: string, error: unknown, durationMs: number, retries: number): void;
  /** A resync started later than its whole period: it missed its next slot too, and is spread to a later one. */
  onResyncDeferred?(key: string, lateMs: number): void;
}

/**
 * Runs `concurrency` workers, plus `changeWorkers` that take only user changes (so a change never waits
 * for a long reconcile to end), until the queue is shut down and empty. Each handler runs at the priority of
 * its lane (withPriority), so the calls it makes wait for the request budget in that order. A handler that
 * throws sends its key back with backoff; one that succeeds resets the key's backoff, then requeues after
 * `requeueAfterMs` (a follow-up) or at its slot of `resyncPeriodMs` (the resync lane), when asked.
 */
export async function runWorkers(
  queue: WorkQueue,
  concurrency: number,
  handle: KeyHandler,
  hooks: WorkerHooks = {},
  changeWorkers = 0,
): Promise<void> {
  const work = async (upTo: Priority): Promise<void> => {
    for (let taken = await queue.next(upTo); taken !== undefined; taken = await queue.next(upTo)) {
      const { key, priority } = taken;
      const started = queue.clock.now();
      try {
        const result = (await withPriority(priority, () => handle(key))) ?? undefined;
        queue.forget(key);
        requeue(queue, taken, result, hooks);
        callSafely(() => hooks.onSuccess?.(key, queue.clock.now() - started, result));
      } catch (error) {
        queue.addRateLimited(key, retryOf(priority));
        const retries = queue.numRequeues(key);
        callSafely(() => hooks.onError?.(key, error, queue.clock.now() - started, retries));
      } finally {
        queue.done(key);
      }
    }
  };
  const lanes: Priority[] = [...Array<Priority>(Math.max(1, concurrency)).fill('resync'), ...Array<Priority>(changeWorkers).fill('change')];
  await Promise.all(lanes.map(work));
}

function requeue(queue: WorkQueue, taken: Taken, result: HandlerResult | undefined, hooks: WorkerHooks): void {
  if (result?.requeueAfterMs !== undefined) {
    queue.addAfter(taken.key, result.requeueAfterMs, followUpOf(taken.priority));
  } else if (result?.resyncPeriodMs !== undefined) {
    if (taken.priority === 'resync' && taken.waitedMs >= result.resyncPeriodMs) {
      callSafely(() => hooks.onResyncDeferred?.(taken.key, taken.waitedMs));
    }
    queue.addResync(taken.key, result.resyncPeriodMs);
  }
}

function callSafely(callback: () => void): void {
  try {
    callback();
  } catch {
    // A broken metrics or log hook must not stop a worker.
  }
}
