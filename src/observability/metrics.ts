// Prometheus metrics on a registry of our own (never prom-client's global one, so tests and several operator
// instances in one process don't collide). Controller and work queue metrics keep the controller-runtime and
// client-go names and buckets, so existing dashboards and alerts for Go operators work unchanged.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { VERSION } from '../version.ts';

/** The `result` label of controller_runtime_reconcile_total. */
export type ReconcileOutcome = 'success' | 'error' | 'requeue' | 'requeue_after';

/** One HTTP attempt to the Genesys Cloud API. */
export interface PlatformCall {
  /** The path template (`/api/v2/integrations/{integrationId}`), never a concrete id: ids would explode cardinality. */
  readonly route: string;
  readonly method: string;
  /** The response status; null when no response came (connection error, timeout). */
  readonly status: number | null;
  readonly durationMs: number;
  /** Whether this attempt repeats an earlier one of the same request. */
  readonly retry: boolean;
  /** Time spent waiting for the organization's request budget before the attempt was sent. */
  readonly budgetWaitMs: number;
}

/** What one DataActionIntegration looks like, for the `dataactions_integrations` gauge. */
export interface IntegrationSample {
  readonly namespace: string;
  /** The platform's reported state (ACTIVE, INACTIVE, ...), or `Unknown` before it exists. */
  readonly state: string;
  /** The status of the `Ready` condition. */
  readonly ready: 'True' | 'False' | 'Unknown';
}

/** The metrics of one named work queue, called by the queue itself. */
export interface WorkqueueMetrics {
  /** An item entered the queue (not when a key already waiting was coalesced); `depth` counts it. */
  recordAdd(depth: number): void;
  /** A worker took an item that waited `queuedSeconds`; call the returned function when its work is done. */
  recordStart(depth: number, queuedSeconds: number): () => void;
  /** An item was put back with a rate-limited delay. */
  recordRetry(): void;
}

export interface Metrics {
  readonly registry: Registry;
  observeReconcile(controller: string, result: ReconcileOutcome, seconds: number): void;
  setMaxConcurrentReconciles(controller: string, count: number): void;
  setActiveWorkers(controller: string, count: number): void;
  /** The metrics of the work queue `name` (the controller's name); the same object for the same name. */
  workqueue(name: string): WorkqueueMetrics;
  observePlatformCall(call: PlatformCall): void;
  /** Records or updates one integration, keyed by something stable such as its UID. */
  setIntegration(key: string, sample: IntegrationSample): void;
  deleteIntegration(key: string): void;
  setLeader(name: string, leading: boolean): void;
}

export interface MetricsOptions {
  /** Node process metrics (CPU, memory, event loop, GC) on the same registry; default true. */
  readonly processMetrics?: boolean;
  /** Milliseconds from a monotonic clock; tests pass a fake one. */
  readonly now?: () => number;
}

// controller-runtime's reconcile_time_seconds buckets.
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5,
  5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
// client-go's workqueue buckets: 10ns to 1000s, ten per decade.
const WORKQUEUE_BUCKETS = Array.from({ length: 12 }, (_, i) => Number((1e-8 * 10 ** i).toPrecision(1)));
// client-go's rest_client_request_duration_seconds buckets.
const REQUEST_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

const NO_RESPONSE_CODE = '<error>';

type Registers = Registry[];
type Clock = () => number;
type ControllerMetrics = Pick<Metrics, 'observeReconcile' | 'setMaxConcurrentReconciles' | 'setActiveWorkers'>;
type IntegrationMetrics = Pick<Metrics, 'setIntegration' | 'deleteIntegration'>;

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const now = options.now ?? ((): number => performance.now());
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  // Registered in this order, which is the order of a scrape's output.
  const controller = createControllerMetrics(registers);
  const workqueue = createWorkqueueRegistry(registers, now);
  const observePlatformCall = createPlatformMetrics(registers);
  const integrations = createIntegrationMetrics(registers);
  const setLeader = createLeaderMetrics(registers);
  registerBuildInfo(registers);
  return { registry, ...controller, workqueue, observePlatformCall, ...integrations, setLeader };
}

/** controller-runtime's reconcile metrics. */
function createControllerMetrics(registers: Registers): ControllerMetrics {
  const reconcileTotal = new Counter({
    name: 'controller_runtime_reconcile_total',
    help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'] as const,
    registers,
  });
  const reconcileErrors = new Counter({
    name: 'controller_runtime_reconcile_errors_total',
    help: 'Total number of reconciliation errors per controller',
    labelNames: ['controller'] as const,
    registers,
  });
  const reconcileTime = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds',
    help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'] as const,
    buckets: RECONCILE_BUCKETS,
    registers,
  });
  const maxConcurrent = new Gauge({
    name: 'controller_runtime_max_concurrent_reconciles',
    help: 'Maximum number of concurrent reconciles per controller',
    labelNames: ['controller'] as const,
    registers,
  });
  const activeWorkers = new Gauge({
    name: 'controller_runtime_active_workers',
    help: 'Number of currently used workers per controller',
    labelNames: ['controller'] as const,
    registers,
  });
  return {
    observeReconcile(controller, result, seconds) {
      reconcileTotal.inc({ controller, result });
      if (result === 'error') reconcileErrors.inc({ controller });
      reconcileTime.observe({ controller }, Math.max(0, seconds));
    },
    setMaxConcurrentReconciles(controller, count) {
      maxConcurrent.set({ controller }, count);
    },
    setActiveWorkers(controller, count) {
      activeWorkers.set({ controller }, count);
    },
  };
}

/** client-go's workqueue metrics, shared by every queue; returns the per-queue view, one object per name. */
function createWorkqueueRegistry(registers: Registers, now: Clock): (name: string) => WorkqueueMetrics {
  const depth = new Gauge({
    name: 'workqueue_depth',
    help: 'Current depth of workqueue',
    labelNames: ['name'] as const,
    registers,
  });
  const adds = new Counter({
    name: 'workqueue_adds_total',
    help: 'Total number of adds handled by workqueue',
    labelNames: ['name'] as const,
    registers,
  });
  const queueDuration = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames: ['name'] as const,
    buckets: WORKQUEUE_BUCKETS,
    registers,
  });
  const workDuration = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes',
    labelNames: ['name'] as const,
    buckets: WORKQUEUE_BUCKETS,
    registers,
  });
  const retries = new Counter({
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames: ['name'] as const,
    registers,
  });
  const inFlight = registerInFlightGauges(registers, now);
  const queues = new Map<string, WorkqueueMetrics>();
  const createQueue = (name: string): WorkqueueMetrics => {
    const running = new Map<symbol, number>();
    inFlight.set(name, running);
    depth.set({ name }, 0);
    return {
      recordAdd(current) {
        adds.inc({ name });
        depth.set({ name }, current);
      },
      recordStart(current, queuedSeconds) {
        depth.set({ name }, current);
        queueDuration.observe({ name }, Math.max(0, queuedSeconds));
        const token = Symbol(name);
        const started = now();
        running.set(token, started);
        return () => {
          if (!running.delete(token)) return;
          workDuration.observe({ name }, Math.max(0, now() - started) / 1000);
        };
      },
      recordRetry() {
        retries.inc({ name });
      },
    };
  };
  return (name) => {
    let queue = queues.get(name);
    if (queue === undefined) {
      queue = createQueue(name);
      queues.set(name, queue);
    }
    return queue;
  };
}

/**
 * The two gauges of work in progress, computed when Prometheus scrapes. Returns the items being processed, per
 * queue: the start time of each, by a token of its own.
 */
function registerInFlightGauges(registers: Registers, now: Clock): Map<string, Map<symbol, number>> {
  const inFlight = new Map<string, Map<symbol, number>>();
  const inFlightSeconds = (name: string): number[] =>
    [...(inFlight.get(name)?.values() ?? [])].map((started) => Math.max(0, now() - started) / 1000);
  new Gauge({
    name: 'workqueue_unfinished_work_seconds',
    help: "How many seconds of work has been done that is in progress and hasn't been observed by work_duration",
    labelNames: ['name'] as const,
    registers,
    collect() {
      for (const name of inFlight.keys())
        this.set(
          { name },
          inFlightSeconds(name).reduce((a, b) => a + b, 0),
        );
    },
  });
  new Gauge({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'How many seconds has the longest running processor for workqueue been running',
    labelNames: ['name'] as const,
    registers,
    collect() {
      for (const name of inFlight.keys()) this.set({ name }, Math.max(0, ...inFlightSeconds(name)));
    },
  });
  return inFlight;
}

/** Requests to the Genesys Cloud API, in the shape of client-go's rest_client metrics. */
function createPlatformMetrics(registers: Registers): Metrics['observePlatformCall'] {
  const platformRequests = new Counter({
    name: 'dataactions_platform_requests_total',
    help: 'HTTP requests to the Genesys Cloud API, by route template, method and status code',
    labelNames: ['route', 'method', 'code'] as const,
    registers,
  });
  const platformDuration = new Histogram({
    name: 'dataactions_platform_request_duration_seconds',
    help: 'Duration of HTTP requests to the Genesys Cloud API, without time waiting for the request budget',
    labelNames: ['route', 'method'] as const,
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const platformRetries = new Counter({
    name: 'dataactions_platform_retries_total',
    help: 'HTTP requests to the Genesys Cloud API that repeated an earlier attempt',
    labelNames: ['route'] as const,
    registers,
  });
  const budgetWait = new Counter({
    name: 'dataactions_platform_budget_wait_seconds_total',
    help: "Time requests waited for their organization's request budget before being sent",
    registers,
  });
  const rateLimited = new Counter({
    name: 'dataactions_platform_rate_limited_total',
    help: 'Responses from the Genesys Cloud API with status 429 Too Many Requests',
    registers,
  });
  return ({ route, method, status, durationMs, retry, budgetWaitMs }) => {
    const upperMethod = method.toUpperCase();
    platformRequests.inc({ route, method: upperMethod, code: status === null ? NO_RESPONSE_CODE : String(status) });
    platformDuration.observe({ route, method: upperMethod }, Math.max(0, durationMs) / 1000);
    if (retry) platformRetries.inc({ route });
    if (budgetWaitMs > 0) budgetWait.inc(budgetWaitMs / 1000);
    if (status === 429) rateLimited.inc();
  };
}

/** The `dataactions_integrations` gauge, counted from the samples when Prometheus scrapes. */
function createIntegrationMetrics(registers: Registers): IntegrationMetrics {
  const integrations = new Map<string, IntegrationSample>();
  new Gauge({
    name: 'dataactions_integrations',
    help: 'DataActionIntegration resources by namespace, platform state and Ready condition status',
    labelNames: ['namespace', 'state', 'ready'] as const,
    registers,
    collect() {
      this.reset();
      for (const { namespace, state, ready } of integrations.values()) this.inc({ namespace, state, ready });
    },
  });
  return {
    setIntegration(key, sample) {
      integrations.set(key, sample);
    },
    deleteIntegration(key) {
      integrations.delete(key);
    },
  };
}

/** client-go's leader election gauge. */
function createLeaderMetrics(registers: Registers): Metrics['setLeader'] {
  const leader = new Gauge({
    name: 'leader_election_master_status',
    help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
    labelNames: ['name'] as const,
    registers,
  });
  return (name, leading) => {
    leader.set({ name }, leading ? 1 : 0);
  };
}

// Which version runs, as Prometheus conventions have it: a constant 1 labelled with the version.
function registerBuildInfo(registers: Registers): void {
  new Gauge({
    name: 'dataaction_operator_build_info',
    help: 'A metric with a constant 1 value labelled by the version of the operator and of Node.js it runs on',
    labelNames: ['version', 'nodeversion'] as const,
    registers,
  }).set({ version: VERSION, nodeversion: process.version }, 1);
}

// Resync lag, per controller (issue 13): a self-contained block, registered on a registry at its first use.
// The resync lane is served after every other lane, so when the budget cannot check every resource within
// its period, resyncs wait (the lag) and skip the slots they missed (deferred) instead of starving events.

/** The resync metrics of the controllers on one registry. */
export interface ResyncMetrics {
  /** Reports `lagSeconds()` (how long the oldest queued resync has waited) for `controller` at each scrape. */
  trackLag(controller: string, lagSeconds: () => number): void;
  /** A resync started more than a whole period late, so its next slot moved on. */
  recordDeferred(controller: string): void;
}

const resyncMetricsByRegistry = new WeakMap<Registry, ResyncMetrics>();

export function resyncMetrics(registry: Registry): ResyncMetrics {
  const known = resyncMetricsByRegistry.get(registry);
  if (known !== undefined) return known;
  const lags = new Map<string, () => number>();
  new Gauge({
    name: 'dataactions_resync_lag_seconds',
    help: 'How long the oldest resync waiting in the work queue has waited, per controller (0 when none waits)',
    labelNames: ['controller'] as const,
    registers: [registry],
    collect() {
      for (const [controller, lag] of lags) this.set({ controller }, Math.max(0, lag()));
    },
  });
  const deferred = new Counter({
    name: 'dataactions_resyncs_deferred_total',
    help: 'Resyncs that started more than a resync period late and were moved to a later slot, per controller',
    labelNames: ['controller'] as const,
    registers: [registry],
  });
  const metrics: ResyncMetrics = {
    trackLag: (controller, lagSeconds) => {
      lags.set(controller, lagSeconds);
      deferred.inc({ controller }, 0);
    },
    recordDeferred: (controller) => deferred.inc({ controller }),
  };
  resyncMetricsByRegistry.set(registry, metrics);
  return metrics;
}
