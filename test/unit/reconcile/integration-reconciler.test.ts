// reconcileIntegration through fakes (writer, caches, Secrets, Events) and the emulator: what a pass
// returns to the work queue, what it writes, and which Events it records, scenario by scenario.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FINALIZER } from '../../../src/api/index.ts';
import { reconcileIntegration } from '../../../src/reconcile/integration-reconciler.ts';
import type { ReconcileResult } from '../../../src/reconcile/requeue.ts';
import { integration, NAMESPACE, organization, READY_ORG_STATUS, startHarness, writeError, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  organization(h, { status: READY_ORG_STATUS });
});
afterEach(async () => {
  await h.close();
});

const reconcile = (name = 'zendesk'): Promise<ReconcileResult> => reconcileIntegration(h.deps, NAMESPACE, name);
const statusOf = (name = 'zendesk'): Record<string, unknown> =>
  (h.integrations.get(NAMESPACE, name) as { status?: Record<string, unknown> } | undefined)?.status ?? {};
const condition = (type: string): unknown =>
  (statusOf()['conditions'] as { type: string; status: string; reason: string }[] | undefined)?.find((c) => c.type === type);
const atResync = (result: ReconcileResult): boolean => result.requeueAfterMs === undefined && result.resyncPeriodMs === h.deps.resyncMs;

/** Calls other than reads made to the emulator so far. */
const writesOnPlatform = (): number =>
  Object.entries(h.emulator.control.calls().byRoute)
    .filter(([route]) => !route.startsWith('GET '))
    .reduce((sum, [, counted]) => sum + counted.count, 0);

interface Scenario {
  readonly name: string;
  readonly reason: string;
  readonly run: () => Promise<void>;
}

const scenarios: Scenario[] = [
  {
    name: 'a missing resource ends the pass',
    reason: 'a key whose object left the cache has nothing to reconcile',
    run: async () => {
      expect(await reconcile('nobody')).toEqual({});
      expect(h.integrationWriter.writes).toEqual([]);
    },
  },
  {
    name: 'a first pass creates, records and looks again at once',
    reason: 'the id is recorded before the status says anything, and the next pass configures the integration',
    run: async () => {
      integration(h);
      expect(await reconcile()).toEqual({ requeueAfterMs: 0 });
      const [made] = h.emulator.state.integrations.keys();
      expect(statusOf()).toMatchObject({ integrationId: made, integrationTypeId: 'zendesk-data-actions' });
      expect(h.events.map((e) => e.reason)).toEqual(['Created']);
    },
  },
  {
    name: 'an activation answered ACTIVE is Ready in the same pass, with no transition poll',
    reason: 'the answer to the state change already proves the state asked for, so waiting a second to read it again only delays Ready',
    run: async () => {
      integration(h);
      expect(await reconcile()).toEqual({ requeueAfterMs: 0 });
      expect(atResync(await reconcile())).toBe(true);
      expect(condition('Ready')).toMatchObject({ status: 'True', reason: 'Available' });
      expect(statusOf()).toMatchObject({ state: 'ACTIVE' });
      expect(h.events.map((e) => e.reason)).toEqual(['Created', 'Activating', 'CredentialsWritten']);
    },
  },
  {
    name: 'a conflict requeues quietly',
    reason: 'another writer changed the resource; its newer version is looked at shortly, without a Warning or a status',
    run: async () => {
      integration(h);
      h.integrationWriter.failures.set('annotate', writeError('KubeConflict'));
      expect(await reconcile()).toEqual({ requeueAfterMs: 100 });
      expect(h.integrationWriter.ops()).toEqual(['addFinalizer']);
      expect(h.events).toEqual([]);
      expect(h.emulator.state.integrations.size).toBe(0);
    },
  },
  {
    name: 'a resource gone while writing ends the pass',
    reason: 'a 404 from the API server means it was deleted meanwhile: nothing is left to do',
    run: async () => {
      integration(h);
      h.integrationWriter.failures.set('addFinalizer', writeError('KubeNotFound'));
      expect(await reconcile()).toEqual({});
      expect(h.integrationWriter.writes).toEqual([]);
    },
  },
  {
    name: 'a terminal failure warns once and requeues at the resync',
    reason: 'a missing Secret needs a person; repeating the Warning on every pass would only be noise',
    run: async () => {
      integration(h, { secret: null });
      expect(atResync(await reconcile())).toBe(true);
      expect(condition('Synced')).toMatchObject({ status: 'False', reason: 'SecretNotFound' });
      expect(h.events.map((e) => [e.type, e.reason])).toEqual([['Warning', 'SecretNotFound']]);
      expect(atResync(await reconcile())).toBe(true);
      expect(h.events).toHaveLength(1);
      expect(h.integrationWriter.ops()).toEqual(['writeStatus']);
    },
  },
  {
    name: 'a retryable failure throws for the backoff',
    reason: 'a platform error that may pass is retried by the work queue with its backoff, and the status says why meanwhile',
    run: async () => {
      integration(h);
      h.emulator.control.addFault({ route: 'GET *', kind: 'status', status: 500 });
      await expect(reconcile()).rejects.toMatchObject({ code: 'PlatformError' });
      expect(condition('Synced')).toMatchObject({ status: 'False', reason: 'PlatformError' });
    },
  },
  {
    name: 'a released resource writes no status',
    reason: 'once its finalizer is removed the resource may be gone, so nothing more is written to it',
    run: async () => {
      integration(h, { finalizers: [FINALIZER], deletionTimestamp: '2026-11-24T09:59:00Z' });
      expect(await reconcile()).toEqual({});
      expect(h.integrationWriter.ops()).toEqual(['removeFinalizer']);
      expect(h.integrations.get(NAMESPACE, 'zendesk')).toBeUndefined();
    },
  },
  {
    name: 'the status is written only when it changed',
    reason: 'at steady state a resync writes nothing, to the resource or the platform',
    run: async () => {
      integration(h);
      for (let pass = 0; pass < 5 && (condition('Ready') as { status?: string } | undefined)?.status !== 'True'; pass++) await reconcile();
      expect(condition('Ready')).toMatchObject({ status: 'True', reason: 'Available' });
      const writes = h.integrationWriter.writes.length;
      const platformWrites = writesOnPlatform();
      expect(atResync(await reconcile())).toBe(true);
      expect(h.integrationWriter.writes.length).toBe(writes);
      expect(writesOnPlatform()).toBe(platformWrites);
    },
  },
];

describe('reconcileIntegration', () => {
  it.each(scenarios)('$name: $reason', async ({ run }) => {
    await run();
  });
});
