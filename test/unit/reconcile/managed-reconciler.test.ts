// The generic reconcile (managed-reconciler.ts) through a scripted kind of its own: what every kind gets from
// it alone, whatever its observe, decide and act do. Each scenario names what it proves and why it matters.
import type { KubernetesObject } from '@kubernetes/client-node';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CONDITION_TYPES, RETRYABLE_REASONS, SYNCED_REASONS, TERMINAL_REASONS, type Condition } from '../../../src/api/index.ts';
import { PlatformError } from '../../../src/platform/index.ts';
import { verdictFor } from '../../../src/reconcile/error-reasons.ts';
import { reconcileManaged, type ManagedDeps, type ManagedKind, type ManagedOutcome } from '../../../src/reconcile/managed-reconciler.ts';
import type { Verdict } from '../../../src/reconcile/model.ts';
import type { ReconcileResult } from '../../../src/reconcile/requeue.ts';
import { composeManagedStatus } from '../../../src/reconcile/status.ts';
import { FakeCache, FakeWriter, NAMESPACE, NOW, writeError, type RecordedEvent } from './harness.ts';

type WidgetStatus = { readonly widgetId?: string; readonly conditions?: Condition[]; readonly observedGeneration?: number };
type WidgetPlan = Verdict<WidgetStatus> & { readonly steps: readonly string[] };
type WidgetOutcome = ManagedOutcome<WidgetStatus>;
interface WidgetDeps extends ManagedDeps {
  readonly widgets: FakeCache;
  readonly writer: FakeWriter;
}

/** A kind's own error, which only its classifier knows. */
class WidgetJammedError extends Error {}

/** What the scripted kind does in a pass. */
interface Script {
  readonly held?: ReconcileResult;
  readonly invalid?: string;
  readonly plan?: Partial<WidgetPlan>;
  readonly learned?: Partial<WidgetStatus>;
  readonly actError?: unknown;
  readonly released?: boolean;
  readonly afterActRequeueMs?: number;
}

const SYNCED_OK = { status: 'True', reason: SYNCED_REASONS.reconcileSuccess, message: '' } as const;

function widgetKind(script: Script, seen: { observed: number; statuses: WidgetStatus[] }) {
  const kind: ManagedKind<WidgetDeps, WidgetStatus, { readonly ok: true }, WidgetPlan, WidgetOutcome> = {
    kind: 'Widget',
    logs: { released: 'Released the widget', reconciled: 'Reconciled widget', planField: 'steps' },
    cache: (deps) => deps.widgets,
    writer: (deps) => deps.writer,
    holds: () => Promise.resolve(script.held),
    observe: () => {
      seen.observed += 1;
      return Promise.resolve(script.invalid === undefined ? { ok: true as const } : { ok: false as const, message: script.invalid });
    },
    decide: () => ({ steps: [], status: {}, ready: SYNCED_OK, synced: SYNCED_OK, events: [], requeueAfterMs: undefined, ...script.plan }),
    act: (_deps, _observed, _plan, object) =>
      Promise.resolve({ object, status: script.learned ?? {}, events: [], released: script.released ?? false, error: script.actError }),
    afterAct: (plan) => (script.afterActRequeueMs === undefined ? plan : { ...plan, requeueAfterMs: script.afterActRequeueMs }),
    planned: (plan) => plan.steps,
    classify: (error) =>
      error instanceof WidgetJammedError
        ? { reason: TERMINAL_REASONS.quotaExceeded, message: error.message, terminal: true, retryAfterMs: undefined }
        : verdictFor(error),
    composeStatus: (_deps, pass) =>
      composeManagedStatus(pass, { unknownReady: { status: 'Unknown', reason: 'Creating', message: '' }, readyHolds: (f) => !f.terminal }),
    onStatus: (_deps, _namespace, _name, status) => seen.statuses.push(status),
  };
  return kind;
}

interface Run {
  readonly results: Array<ReconcileResult | { readonly thrown: string }>;
  readonly status: WidgetStatus | undefined;
  readonly statusWrites: number;
  readonly warnings: RecordedEvent[];
  readonly observed: number;
  readonly told: number;
}

async function run(script: Script, passes = 1): Promise<Run> {
  const widgets = new FakeCache();
  const writer = new FakeWriter(widgets);
  const events: RecordedEvent[] = [];
  widgets.put({ apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w', namespace: NAMESPACE, generation: 2, resourceVersion: '1' } });
  const deps: WidgetDeps = {
    widgets,
    writer,
    events: { record: (_object: KubernetesObject, type, reason, message) => events.push({ type, reason, message }) },
    logger: pino({ level: 'silent' }),
    scrubber: { add: () => undefined, replace: () => undefined, scrub: (text) => text.replaceAll('hunter2', '[redacted]') },
    now: () => NOW,
    resyncMs: 300_000,
  };
  const seen = { observed: 0, statuses: [] as WidgetStatus[] };
  const kind = widgetKind(script, seen);
  const results: Run['results'] = [];
  for (let pass = 0; pass < passes; pass += 1) {
    results.push(await reconcileManaged(kind, deps, NAMESPACE, 'w').catch((e: unknown) => ({ thrown: (e as { code: string }).code })));
  }
  return {
    results,
    status: (widgets.get(NAMESPACE, 'w') as { status?: WidgetStatus } | undefined)?.status,
    statusWrites: writer.ops().filter((op) => op === 'writeStatus').length,
    warnings: events.filter((e) => e.type === 'Warning'),
    observed: seen.observed,
    told: seen.statuses.length,
  };
}

const synced = (r: Run): string | undefined => {
  const c = r.status?.conditions?.find((x) => x.type === CONDITION_TYPES.synced);
  return c === undefined ? undefined : `${c.status} ${c.reason}`;
};

interface Scenario {
  readonly name: string;
  readonly why: string;
  readonly script: Script;
  readonly passes?: number;
  readonly check: (r: Run) => void;
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: "the kind's error classifier decides the Synced reason",
    why: 'a kind-specific error (a refused draft) must read as its own reason, not as a generic platform error',
    script: { actError: new WidgetJammedError('The widget is jammed') },
    check: (r) => {
      expect(synced(r)).toBe('False QuotaExceeded');
      expect(r.results).toEqual([{ resyncPeriodMs: 300_000 }]);
    },
  },
  {
    name: 'an unchanged status is not written again',
    why: 'a resync at steady state must cost the API server nothing',
    script: { plan: { status: { widgetId: 'w-1' } } },
    passes: 3,
    check: (r) => {
      expect(r.statusWrites).toBe(1);
      expect(r.status?.widgetId).toBe('w-1');
      expect(r.told).toBe(3);
    },
  },
  {
    name: 'a persisting failure is warned once',
    why: 'a failure seen at every pass would otherwise flood the Events of the object',
    script: { actError: new PlatformError('Unavailable', 'The platform answered 503') },
    passes: 3,
    check: (r) => {
      expect(r.warnings.map((w) => w.reason)).toEqual([RETRYABLE_REASONS.platformError]);
      expect(r.results).toEqual([{ thrown: 'PlatformError' }, { thrown: 'PlatformError' }, { thrown: 'PlatformError' }]);
    },
  },
  {
    name: 'a rate limit waits the time the platform asked',
    why: 'backing off blindly would either hammer the platform or wait far longer than it asked',
    script: { actError: new PlatformError('RateLimited', 'Too many requests', { retryAfterMs: 7_000 }) },
    check: (r) => {
      expect(r.results).toEqual([{ requeueAfterMs: 7_000 }]);
      expect(synced(r)).toBe('False RateLimited');
    },
  },
  {
    name: 'an invalid spec is terminal and nothing is decided',
    why: 'a spec observe cannot use must say InvalidSpec and wait for a person, not retry',
    script: { invalid: 'The resource does not match its schema: spec.size' },
    check: (r) => {
      expect(synced(r)).toBe('False InvalidSpec');
      expect(r.results).toEqual([{ resyncPeriodMs: 300_000 }]);
    },
  },
  {
    name: 'a write race is settled without a status or a Warning',
    why: 'a conflict only means a newer version is on its way, which is no failure to report',
    script: { actError: writeError('KubeConflict') },
    check: (r) => {
      expect(r.results).toEqual([{ requeueAfterMs: 100 }]);
      expect(r.statusWrites).toBe(0);
      expect(r.warnings).toEqual([]);
    },
  },
  {
    name: 'a released resource writes no status',
    why: 'its finalizer is gone, so a status write would only fail on an object being removed',
    script: { released: true },
    check: (r) => {
      expect(r.results).toEqual([{}]);
      expect(r.statusWrites).toBe(0);
    },
  },
  {
    name: "a kind's hold ends the pass before observe",
    why: 'an integration that actions still hold must not read the platform while it waits',
    script: { held: { requeueAfterMs: 2_000 } },
    check: (r) => {
      expect(r.results).toEqual([{ requeueAfterMs: 2_000 }]);
      expect(r.observed).toBe(0);
      expect(r.statusWrites).toBe(0);
    },
  },
  {
    name: "afterAct's plan decides when to look again",
    why: "a state the platform's answer already reached must not wait a poll for it",
    script: { plan: { steps: ['setState'], requeueAfterMs: 1_000 }, afterActRequeueMs: 0 },
    check: (r) => expect(r.results).toEqual([{ requeueAfterMs: 0 }]),
  },
  {
    name: 'a secret in an error message is scrubbed from the status and the Warning',
    why: 'no secret value may reach a status or an Event',
    script: { actError: new WidgetJammedError('Refused token hunter2') },
    check: (r) => {
      const message = r.status?.conditions?.find((c) => c.type === CONDITION_TYPES.synced)?.message;
      expect(message).toBe('Refused token [redacted]');
      expect(r.warnings.map((w) => w.message)).toEqual(['Refused token [redacted]']);
    },
  },
];

describe('the generic managed reconcile', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    scenario.check(await run(scenario.script, scenario.passes));
  });
});
