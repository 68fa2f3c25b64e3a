// An integration being deleted waits while DataActions still reference it, as an organization in use does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FINALIZER } from '../../../src/api/index.ts';
import { reconcileIntegration } from '../../../src/reconcile/integration-reconciler.ts';
import { IN_USE_POLL_MS } from '../../../src/reconcile/organization-decide.ts';
import { integration, NAMESPACE, organization, READY_ORG_STATUS, startHarness, type Harness } from './harness.ts';

describe('deleting an integration that still has DataActions', () => {
  let h: Harness;
  let users: string[];
  beforeEach(async () => {
    h = await startHarness();
    users = ['order-lookup'];
    (h.deps as { actionsUsing?: (ns: string, name: string) => readonly string[] }).actionsUsing = (ns, name) =>
      ns === NAMESPACE && name === 'zendesk' ? users : [];
    organization(h, { status: READY_ORG_STATUS });
  });
  afterEach(async () => {
    await h.close();
  });

  it('waits, with a Warning Event naming them, and deletes nothing meanwhile', async () => {
    integration(h, {
      finalizers: [FINALIZER],
      deletionTimestamp: '2026-11-24T09:59:00Z',
      annotations: { 'dataactions.dev/integration-id': 'i-1' },
    });
    expect(await reconcileIntegration(h.deps, NAMESPACE, 'zendesk')).toEqual({ requeueAfterMs: IN_USE_POLL_MS });
    expect(h.integrationWriter.ops()).toEqual([]);
    expect(h.events).toEqual([
      { type: 'Warning', reason: 'InUse', message: 'Waiting for 1 DataAction(s) of this integration to be deleted first: order-lookup' },
    ]);
  });

  it('goes once they are gone', async () => {
    integration(h, { finalizers: [FINALIZER], deletionTimestamp: '2026-11-24T09:59:00Z' });
    users = [];
    expect(await reconcileIntegration(h.deps, NAMESPACE, 'zendesk')).toEqual({});
    expect(h.integrationWriter.ops()).toEqual(['removeFinalizer']);
  });

  it('does not wait with deletionPolicy Orphan, which leaves the integration and its actions', async () => {
    integration(h, { finalizers: [FINALIZER], deletionTimestamp: '2026-11-24T09:59:00Z', spec: { deletionPolicy: 'Orphan' } });
    expect(await reconcileIntegration(h.deps, NAMESPACE, 'zendesk')).toEqual({});
    expect(h.integrationWriter.ops()).toEqual(['removeFinalizer']);
  });
});
