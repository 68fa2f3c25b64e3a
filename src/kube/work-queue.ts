// A work queue of string keys with client-go's semantics (workqueue.Typed + DelayingQueue +
// RateLimitingQueue): a key queued many times is processed once, a key is never processed by two
// workers at once (one added while processing is queued again on done), nothing accepted is dropped,
// and delayed adds of one key coalesce to the earliest due time. One addition: shutDownNow, which drops
// what is queued instead of handing it out, for a replica that must stop reconciling at once.
import { systemClock, type Clock } from './clock.ts';
import { createControllerRateLimiter, type BackoffOptions, type RateLimiter, type TokenBucketOptions } from './rate-limiter.ts';
import type { ReconcileResult } from '../lib/reconcile-result.ts';

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

interface Delayed {
  key: string;
  due: number;
}

export class WorkQueue {
  readonly clock: Clock;
  private readonly limiter: RateLimiter;
  private readonly hooks: QueueHooks;

  /** FIFO of keys to hand out: `queue[head..]` (a head index keeps taking O(1) on long queues). */
  private queue: string[] = [];
  private head = 0;
  /** Keys that need processing: queued, or added again while being processed. */
  private readonly dirty = new Set<string>();
  /** Keys being processed, with when their processing started. */
  private readonly processing = new Map<string, number>();
  private readonly enqueuedAt = new Map<string, number>();
  /** Delayed keys with their earliest due time; `heap` orders them, stale heap entries are skipped. */
  private readonly waiting = new Map<string, number>();
  private heap: Delayed[] = [];
  private cancelTimer: (() => void) | undefined;
  private timerDue: number | undefined;

  private readonly getters: Array<(key: string | undefined) => void> = [];
  private readonly drainers: Array<() => void> = [];
  private shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.limiter = options.rateLimiter ?? createControllerRateLimiter(this.clock, options.backoff, options.bucket);
    this.hooks = options.hooks ?? {};
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    this.hooks.onAdd?.(key);
    if (this.processing.has(key)) return; // queued again by done()
    this.push(key);
  }

  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const due = this.clock.now() + delayMs;
    const current = this.waiting.get(key);
    if (current !== undefined && current <= due) return;
    this.waiting.set(key, due);
    pushHeap(this.heap, { key, due });
    this.armTimer();
  }

  addRateLimited(key: string): void {
    if (this.shuttingDown) return;
    this.hooks.onRetry?.(key);
    this.addAfter(key, this.limiter.when(key));
  }

  /** The key succeeded: its next failure starts the backoff from the base delay again. */
  forget(key: string): void {
    this.limiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.limiter.numRequeues(key);
  }

  /** The next key to process; waits for one. `undefined` once shut down and empty. */
  get(): Promise<string | undefined> {
    if (this.len() > 0) return Promise.resolve(this.take());
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  done(key: string): void {
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    this.hooks.onDone?.(key, this.clock.now() - started);
    if (this.dirty.has(key)) this.push(key);
    this.settleDrainers();
  }

  /** Keys waiting to be handed out (not counting delayed ones). */
  len(): number {
    return this.queue.length - this.head;
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
    for (const getter of this.getters.splice(0)) getter(undefined);
    this.settleDrainers();
  }

  /**
   * Shuts down and drops every key not yet handed out, queued or delayed, instead of handing it out: a
   * replica that lost its Lease must not reconcile anything more (controller-runtime stops at once too).
   * Keys being processed finish, and are not queued again on done().
   */
  shutDownNow(): void {
    this.shutDown();
    this.queue = [];
    this.head = 0;
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

  private push(key: string): void {
    this.queue.push(key);
    this.enqueuedAt.set(key, this.clock.now());
    this.hooks.onDepth?.(this.len());
    const getter = this.getters.shift();
    if (getter !== undefined) getter(this.take());
  }

  private take(): string | undefined {
    const key = this.queue[this.head];
    if (key === undefined) return undefined;
    this.head++;
    if (this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    const now = this.clock.now();
    this.dirty.delete(key);
    this.processing.set(key, now);
    this.hooks.onDepth?.(this.len());
    this.hooks.onGet?.(key, now - (this.enqueuedAt.get(key) ?? now));
    this.enqueuedAt.delete(key);
    return key;
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
      this.waiting.delete(next.key);
      this.add(next.key);
    }
    this.armTimer();
  }

  /** The earliest live delayed entry, discarding entries superseded by an earlier due time. */
  private peekDelayed(): Delayed | undefined {
    for (let top = this.heap[0]; top !== undefined; top = this.heap[0]) {
      if (this.waiting.get(top.key) === top.due) return top;
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
}

/**
 * Runs `concurrency` workers until the queue is shut down and empty. A handler that throws sends its
 * key back with backoff; one that succeeds resets the key's backoff, then requeues after
 * `requeueAfterMs` when asked.
 */
export async function runWorkers(queue: WorkQueue, concurrency: number, handle: KeyHandler, hooks: WorkerHooks = {}): Promise<void> {
  const work = async (): Promise<void> => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      const started = queue.clock.now();
      try {
        const result = (await handle(key)) ?? undefined;
        queue.forget(key);
        if (result?.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
        callSafely(() => hooks.onSuccess?.(key, queue.clock.now() - started, result));
      } catch (error) {
        queue.addRateLimited(key);
        const retries = queue.numRequeues(key);
        callSafely(() => hooks.onError?.(key, error, queue.clock.now() - started, retries));
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, work));
}

function callSafely(callback: () => void): void {
  try {
    callback();
  } catch {
    // A broken metrics or log hook must not stop a worker.
  }
}
