// A controller: a work queue of `namespace/name` keys, workers that reconcile them, and the
// controller-runtime metrics around both. What is reconciled, and which events enqueue which keys, is
// given by the caller.
import type { Logger } from 'pino';
import type { Priority } from '../lib/priority.ts';
import { resyncMetrics, type Metrics } from '../observability/metrics.ts';
import { runWorkers, WorkQueue, type HandlerResult } from './work-queue.ts';

/**
 * Workers beside `concurrency` that take only user changes: with every worker inside a long reconcile (a
 * cold start waiting for the request budget), a rotated Secret still starts at once, and its calls take
 * the budget's next slots (src/lib/priority.ts).
 */
export const CHANGE_WORKERS = 1;

export interface ControllerOptions {
  readonly name: string;
  readonly concurrency: number;
  readonly reconcile: (namespace: string, name: string) => Promise<HandlerResult>;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly options: ControllerOptions;
  private running: Promise<void> | undefined;
  private active = 0;

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.options = options;
    const wq = options.metrics.workqueue(options.name);
    const finishers = new Map<string, () => void>();
    this.queue = new WorkQueue({
      hooks: {
        onAdd: () => wq.recordAdd(this.queue.len()),
        onGet: (key, waitedMs) => finishers.set(key, wq.recordStart(this.queue.len(), waitedMs / 1000)),
        onDone: (key) => {
          finishers.get(key)?.();
          finishers.delete(key);
        },
        onRetry: () => wq.recordRetry(),
      },
    });
  }

  /** Queues the resource in the lane `priority` (src/lib/priority.ts says which event goes where). */
  enqueue(namespace: string | undefined, name: string | undefined, priority: Priority): void {
    if (name === undefined) return;
    this.queue.add(`${namespace ?? ''}/${name}`, priority);
  }

  start(): void {
    const { metrics, logger, concurrency, reconcile } = this.options;
    metrics.setMaxConcurrentReconciles(this.name, concurrency + CHANGE_WORKERS);
    const resyncs = resyncMetrics(metrics.registry);
    resyncs.trackLag(this.name, () => this.queue.resyncLagSeconds());
    this.running = runWorkers(
      this.queue,
      concurrency,
      async (key) => {
        const slash = key.indexOf('/');
        metrics.setActiveWorkers(this.name, ++this.active);
        try {
          return await reconcile(key.slice(0, slash), key.slice(slash + 1));
        } finally {
          metrics.setActiveWorkers(this.name, --this.active);
        }
      },
      {
        // A resync scheduled after a success is a success; requeue_after is a follow-up of unfinished work.
        onSuccess: (_key, ms, result) =>
          metrics.observeReconcile(this.name, result?.requeueAfterMs === undefined ? 'success' : 'requeue_after', ms / 1000),
        onResyncDeferred: () => resyncs.recordDeferred(this.name),
        onError: (key, error, ms, retries) => {
          metrics.observeReconcile(this.name, 'error', ms / 1000);
          const code = (error as { code?: unknown }).code;
          logger.warn(
            { controller: this.name, key, retries, reason: typeof code === 'string' ? code : undefined },
            `Reconcile failed, retrying: ${error instanceof Error ? error.message : String(error)}`,
          );
        },
      },
      CHANGE_WORKERS,
    );
  }

  /**
   * Stops at once (the Lease was lost): the keys queued are dropped, not reconciled, and only the
   * reconciles in flight still end. stop() then waits for them.
   */
  abandonQueued(): void {
    this.queue.shutDownNow();
  }

  /** Stops taking keys, hands out the ones already queued, and waits for the reconciles in flight. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
  }
}
