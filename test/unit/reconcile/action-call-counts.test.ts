// How many platform calls the operator spends to create a DataAction, counted by route by the emulator: a
// listing (is the name free), the create under the marker name, and the draft cycle that renames and
// publishes it (make, write, validate, publish), all in one pass. The count is behaviour, not timing, so it
// is asserted here; the benchmark (B5 in test/bench) measures the rest. It must not grow with the number of
// actions the integration holds.
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { API_VERSION } from '../../../src/api/index.ts';
import { ActionClients } from '../../../src/reconcile/action-clients.ts';
import type { ActionReconcilerDeps } from '../../../src/reconcile/action-observe.ts';
import { reconcileAction } from '../../../src/reconcile/action-reconciler.ts';
import {
  byRoute,
  FakeCache,
  FakeWriter,
  minus,
  NAMESPACE,
  organization,
  READY_ORG_STATUS,
  readyActionsIntegration,
  startHarness,
  total,
  type ByRoute,
  type Harness,
} from './harness.ts';

/** GET listing, POST create, POST draft, PATCH draft, GET validation, POST publish. */
const MAX_CALLS_PER_CREATE = 6;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function actionDeps(harness: Harness): Promise<{ deps: ActionReconcilerDeps; actions: FakeCache }> {
  const org = organization(harness, { status: READY_ORG_STATUS }) as { spec: Record<string, unknown> };
  // The budget is not what is measured here: a rate that never waits.
  org.spec.requestsPerMinute = 100_000;
  await readyActionsIntegration(harness);
  const actions = new FakeCache();
  const deps: ActionReconcilerDeps = {
    ...harness.deps,
    actionWriter: new FakeWriter(actions),
    actions,
    readConfigMap: () => Promise.resolve(undefined),
    actionClients: new ActionClients({ sleep: () => Promise.resolve() }),
  };
  return { deps, actions };
}

function dataAction(actions: FakeCache, name: string): void {
  actions.put({
    apiVersion: API_VERSION,
    kind: 'DataAction',
    metadata: { name, namespace: NAMESPACE, uid: `uid-${name}`, resourceVersion: '1', generation: 1 },
    spec: {
      integrationRef: { name: 'orders' },
      category: 'Orders',
      displayName: `Get ${name}`,
      secure: false,
      contract: { input: { type: 'object' }, output: { type: 'object' } },
      request: { urlTemplate: 'https://orders.example.com/${input.id}', method: 'GET' },
      response: { translationMap: { status: '$.status' } },
      deletionPolicy: 'Delete',
    },
  } as unknown as KubernetesObject);
}

/** Reconciles one action until its next look is the resync; returns the passes taken. */
async function settle(deps: ActionReconcilerDeps, name: string): Promise<number> {
  for (let pass = 1; pass <= 12; pass += 1) {
    const result = await reconcileAction(deps, NAMESPACE, name);
    if (result.resyncPeriodMs !== undefined) return pass;
  }
  throw new Error(`${name} did not settle in 12 passes`);
}

/** Creates `n` DataActions on one integration, one after the other; calls per create by route, and the passes each took. */
async function measure(n: number): Promise<{ perCreate: ByRoute; passes: number[] }> {
  const harness = await startHarness({ emulator: { requestsPerMinute: 100_000 } });
  h = harness;
  const { deps, actions } = await actionDeps(harness);
  // A first action opens the session (login, org); the measure starts after it.
  dataAction(actions, 'first');
  await settle(deps, 'first');
  const start = byRoute(harness.emulator.control.calls());
  const passes: number[] = [];
  for (let i = 0; i < n; i += 1) dataAction(actions, `action-${i}`);
  for (let i = 0; i < n; i += 1) passes.push(await settle(deps, `action-${i}`));
  const created = minus(byRoute(harness.emulator.control.calls()), start);
  return { perCreate: Object.fromEntries(Object.entries(created).map(([r, c]) => [r, c / n])), passes };
}

describe('platform calls per DataAction', () => {
  it('a create costs at most six calls, in one pass, with 5 or 20 actions on the integration', async () => {
    const five = await measure(5);
    await h?.close();
    h = undefined;
    const twenty = await measure(20);
    console.log(`calls per action create: N=5 ${JSON.stringify(five.perCreate)}; N=20 ${JSON.stringify(twenty.perCreate)}`);
    expect(twenty.perCreate).toEqual(five.perCreate);
    expect(total(five.perCreate)).toBeLessThanOrEqual(MAX_CALLS_PER_CREATE);
    expect(total(twenty.perCreate)).toBeLessThanOrEqual(MAX_CALLS_PER_CREATE);
    expect(twenty.perCreate).toEqual({
      'GET /api/v2/integrations/actions': 1,
      'POST /api/v2/integrations/actions': 1,
      'POST /api/v2/integrations/actions/{id}/draft': 1,
      'PATCH /api/v2/integrations/actions/{id}/draft': 1,
      'GET /api/v2/integrations/actions/{id}/draft/validation': 1,
      'POST /api/v2/integrations/actions/{id}/draft/publish': 1,
    });
    expect(new Set([...five.passes, ...twenty.passes])).toEqual(new Set([1]));
  }, 60_000);
});
