// Kubernetes Events about our objects, as events.k8s.io/v1 Events: that API carries `action`,
// `reportingController`/`reportingInstance` and a `series` for repeats, which is what client-go's newer
// tools/events recorder writes. `kubectl describe` and `kubectl get events` show them like core/v1 ones
// (one storage, two API versions). Repeats of the same event within a window become a series (count and
// last time patched on the first Event) instead of new Events. Recording never throws into the caller.
import { hostname } from 'node:os';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { systemClock, type Clock } from './clock.ts';
import { collectionPath, EVENTS, objectPath } from './clients.ts';
import { isNotFound } from './errors.ts';
import { describeError, silentLog, type KubeLog } from './log.ts';
import { formatMicroTime } from './micro-time.ts';
import { transportFor, type KubeTransport } from './transport.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  /** reportingController, for example `dataactions.dev/operator`. */
  component: string;
  /** reportingInstance's host part; default the hostname (the Pod name in a cluster). */
  host?: string;
  /** Repeats within this window join a series; default 6 min, as client-go. */
  seriesWindowMs?: number;
  /** Bound on the de-duplication memory; the oldest entries go first. Default 4096, as client-go. */
  maxCachedEvents?: number;
  clock?: Clock;
  log?: KubeLog;
}

export interface EventRecorder {
  /**
   * Records an Event about `object`. Returns at once; the write happens in the background and a
   * failure is logged, never thrown. `action` defaults to `reason`.
   */
  record(object: KubernetesObject, type: EventType, reason: string, message: string, action?: string): void;
  /** Resolves when every write started so far has finished (for shutdown and tests). */
  flush(): Promise<void>;
}

interface SeriesEntry {
  namespace: string;
  name: string;
  count: number;
  lastSeen: number;
  /** Writes for one series run one after another: a patch must not overtake its create. */
  tail: Promise<void>;
}

const MAX_NOTE_BYTES = 1024;
const MAX_FIELD_LENGTH = 128;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** client-go's naming, `<object>.<hex nanoseconds>`, with random low digits so two processes never collide. */
function eventName(object: KubernetesObject, nowMs: number): string {
  const nanos = BigInt(nowMs) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
  return `${object.metadata?.name ?? 'object'}.${nanos.toString(16)}`;
}

interface RecorderState {
  readonly transport: KubeTransport;
  readonly clock: Clock;
  readonly log: KubeLog;
  readonly windowMs: number;
  readonly maxEntries: number;
  readonly reportingController: string;
  readonly reportingInstance: string;
  readonly series: Map<string, SeriesEntry>;
  readonly inFlight: Set<Promise<void>>;
}

export function createEventRecorder(kc: KubeConfig, options: EventRecorderOptions): EventRecorder {
  const state: RecorderState = {
    transport: transportFor(kc),
    clock: options.clock ?? systemClock,
    log: options.log ?? silentLog,
    windowMs: options.seriesWindowMs ?? 6 * 60_000,
    maxEntries: options.maxCachedEvents ?? 4096,
    reportingController: truncate(options.component, MAX_FIELD_LENGTH),
    reportingInstance: truncate(`${options.component}-${options.host ?? hostname()}`, MAX_FIELD_LENGTH),
    series: new Map(),
    inFlight: new Set(),
  };
  return {
    record: (object, type, reason, message, action) => record(state, object, type, reason, message, action),
    async flush() {
      while (state.inFlight.size > 0) await Promise.all([...state.inFlight]);
    },
  };
}

function track(state: RecorderState, write: Promise<void>): Promise<void> {
  state.inFlight.add(write);
  void write.finally(() => state.inFlight.delete(write));
  return write;
}

async function create(state: RecorderState, object: KubernetesObject, entry: SeriesEntry, body: Record<string, unknown>): Promise<void> {
  const created = await state.transport.request<KubernetesObject>({
    method: 'POST',
    path: collectionPath(EVENTS, entry.namespace),
    body: { ...body, metadata: { name: eventName(object, state.clock.now()), namespace: entry.namespace } },
  });
  entry.name = created.metadata?.name ?? '';
}

function record(
  state: RecorderState,
  object: KubernetesObject,
  type: EventType,
  reason: string,
  message: string,
  action: string | undefined,
): void {
  const namespace = object.metadata?.namespace ?? 'default';
  const now = state.clock.now();
  const note = Buffer.byteLength(message) > MAX_NOTE_BYTES ? truncate(message, MAX_NOTE_BYTES / 4) : message;
  const regarding = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: object.metadata?.namespace,
    name: object.metadata?.name,
    uid: object.metadata?.uid,
    resourceVersion: object.metadata?.resourceVersion,
  };
  const actionName = truncate(action ?? reason, MAX_FIELD_LENGTH);
  const key = JSON.stringify([regarding.uid ?? '', regarding.namespace, regarding.name, type, reason, actionName, note]);
  const body: Record<string, unknown> = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    eventTime: formatMicroTime(now),
    reportingController: state.reportingController,
    reportingInstance: state.reportingInstance,
    action: actionName,
    reason: truncate(reason, MAX_FIELD_LENGTH),
    note,
    type,
    regarding,
  };
  const logFailure = (error: unknown): void => {
    state.log.warn(
      { namespace, name: regarding.name, kind: regarding.kind, reason, error: describeError(error) },
      `Failed to record Event ${reason} for ${regarding.kind ?? 'object'} ${namespace}/${regarding.name ?? ''}`,
    );
  };

  const existing = state.series.get(key);
  if (existing !== undefined && now - existing.lastSeen < state.windowMs) {
    existing.count++;
    existing.lastSeen = now;
    const count = existing.count;
    existing.tail = track(state, existing.tail.then(() => appendToSeries(state, object, existing, body, count, now)).catch(logFailure));
    return;
  }
  // A Map keeps insertion order: re-inserting makes this the newest entry, the first one is the oldest.
  state.series.delete(key);
  if (state.series.size >= state.maxEntries) {
    const oldest = state.series.keys().next().value;
    if (oldest !== undefined) state.series.delete(oldest);
  }
  const entry: SeriesEntry = { namespace, name: '', count: 1, lastSeen: now, tail: Promise.resolve() };
  state.series.set(key, entry);
  entry.tail = track(state, create(state, object, entry, body).catch(logFailure));
}

/** A repeat: the series count and last time are patched on the first Event of the series. */
async function appendToSeries(
  state: RecorderState,
  object: KubernetesObject,
  entry: SeriesEntry,
  body: Record<string, unknown>,
  count: number,
  now: number,
): Promise<void> {
  try {
    if (entry.name === '') throw Object.assign(new Error('the first Event was not written'), { code: 404 });
    await state.transport.request({
      method: 'PATCH',
      path: objectPath({ ...EVENTS, namespace: entry.namespace, name: entry.name }),
      contentType: 'application/merge-patch+json',
      body: { series: { count, lastObservedTime: formatMicroTime(now) } },
    });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    // The Event expired or was never written: start again with a fresh one.
    await create(state, object, entry, body);
  }
}
