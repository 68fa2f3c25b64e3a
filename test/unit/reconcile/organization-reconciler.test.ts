// reconcileOrganization through fakes (writer, caches, Secrets, Events) and the emulator: what a pass
// returns to the work queue, what it writes, and which Events it records, scenario by scenario.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FINALIZER } from '../../../src/api/index.ts';
import { reconcileOrganization } from '../../../src/reconcile/organization-reconciler.ts';
import type { ReconcileResult } from '../../../src/reconcile/requeue.ts';
import { integration, NAMESPACE, organization, startHarness, writeError, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const reconcile = (): Promise<ReconcileResult> => reconcileOrganization(h.deps, NAMESPACE, 'prod');
const statusOf = (): Record<string, unknown> =>
  (h.organizations.get(NAMESPACE, 'prod') as { status?: Record<string, unknown> } | undefined)?.status ?? {};
const ready = (): unknown => (statusOf()['conditions'] as { type: string }[] | undefined)?.find((c) => c.type === 'Ready');
const atResync = (result: ReconcileResult): boolean => result.requeueAfterMs === undefined && result.resyncPeriodMs === h.deps.resyncMs;
const deleting = { deletionTimestamp: '2026-11-24T09:59:00Z', finalizers: [FINALIZER] };

interface Scenario {
  readonly name: string;
  readonly reason: string;
  readonly run: () => Promise<void>;
}

const scenarios: Scenario[] = [
  {
    name: 'a missing organization ends the pass',
    reason: 'a key whose object left the cache has nothing to reconcile (its session is forgotten)',
    run: async () => {
      expect(await reconcile()).toEqual({});
      expect(h.organizationWriter.writes).toEqual([]);
    },
  },
  {
    name: 'a first pass connects, reports usage and says so once',
    reason: 'Ready=True with the org and its usage is what integrations wait for; the Connected Event marks the change',
    run: async () => {
      organization(h);
      integration(h);
      expect(atResync(await reconcile())).toBe(true);
      expect(h.organizationWriter.ops()).toEqual(['addFinalizer', 'writeStatus']);
      expect(ready()).toMatchObject({ status: 'True', reason: 'Connected' });
      expect(statusOf()).toMatchObject({ organizationName: 'Emulated Organization', inUseBy: ['zendesk'] });
      expect(statusOf()['usage']).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Zendesk', used: 0 })]));
      expect(h.events.map((e) => [e.type, e.reason])).toEqual([['Normal', 'Connected']]);
    },
  },
  {
    name: 'the status is written only when it changed',
    reason: 'a pass woken by nothing new writes nothing and waits for the resync',
    run: async () => {
      organization(h);
      await reconcile();
      const writes = h.organizationWriter.writes.length;
      const result = await reconcile();
      expect(result.requeueAfterMs).toBeGreaterThan(1_000);
      expect(h.organizationWriter.writes.length).toBe(writes);
      expect(h.events).toHaveLength(1);
    },
  },
  {
    name: 'a conflict requeues quietly',
    reason: 'another writer changed the organization; its newer version is looked at shortly, without a Warning',
    run: async () => {
      organization(h);
      h.organizationWriter.failures.set('addFinalizer', writeError('KubeConflict'));
      expect(await reconcile()).toEqual({ requeueAfterMs: 100 });
      expect(h.organizationWriter.writes).toEqual([]);
      expect(h.events).toEqual([]);
    },
  },
  {
    name: 'an organization gone while writing ends the pass',
    reason: 'a 404 from the API server means it was deleted meanwhile',
    run: async () => {
      organization(h);
      h.organizationWriter.failures.set('writeStatus', writeError('KubeNotFound'));
      expect(await reconcile()).toEqual({});
      expect(h.events).toEqual([]);
    },
  },
  {
    name: 'a missing OAuth Secret is terminal: Ready=False, one Warning, the resync',
    reason: 'a person must create the Secret, and the integrations read Ready to know they must wait',
    run: async () => {
      organization(h);
      h.secrets.clear();
      expect(atResync(await reconcile())).toBe(true);
      expect(ready()).toMatchObject({ status: 'False', reason: 'SecretNotFound' });
      expect(h.events.map((e) => [e.type, e.reason])).toEqual([['Warning', 'SecretNotFound']]);
    },
  },
  {
    name: 'a retryable failure on a first connect throws for the backoff',
    reason: 'a platform error that may pass is retried by the work queue, and Ready=False says why meanwhile',
    run: async () => {
      organization(h);
      h.emulator.control.addFault({ route: 'GET *', kind: 'status', status: 500 });
      await expect(reconcile()).rejects.toMatchObject({ code: 'PlatformError' });
      expect(ready()).toMatchObject({ status: 'False', reason: 'PlatformError' });
      expect(h.events.map((e) => [e.type, e.reason])).toEqual([['Warning', 'PlatformError']]);
    },
  },
  {
    name: 'a deletion while integrations use it holds the finalizer',
    reason: 'releasing it would leave those integrations without a way to the platform',
    run: async () => {
      organization(h, { metadata: deleting });
      integration(h);
      expect(await reconcile()).toEqual({ requeueAfterMs: 5_000 });
      expect(h.organizationWriter.ops()).toEqual(['writeStatus']);
      expect(statusOf()['inUseBy']).toEqual(['zendesk']);
      expect(h.events.map((e) => [e.type, e.reason])).toEqual([['Warning', 'InUse']]);
    },
  },
  {
    name: 'a deletion nothing uses releases it without a status',
    reason: 'once its finalizer is removed the organization may be gone, so nothing more is written to it',
    run: async () => {
      organization(h, { metadata: deleting });
      expect(await reconcile()).toEqual({});
      expect(h.organizationWriter.ops()).toEqual(['removeFinalizer']);
      expect(h.organizations.get(NAMESPACE, 'prod')).toBeUndefined();
    },
  },
];

describe('reconcileOrganization', () => {
  it.each(scenarios)('$name: $reason', async ({ run }) => {
    await run();
  });
});
