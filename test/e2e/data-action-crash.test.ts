// Never a duplicate, for DataActions: the operator is killed (SIGKILL, no chance to clean up) while the action
// create is under way, either after the platform committed it but before its answer arrived, or while the
// call is still in flight. The next operator must find the action by the creation marker it carries (or wait
// while it may still appear) and never create a second one. The integrations' version is
// robustness-crash.test.ts. A 404 on a freshly created action is not believed at once either.
import { describe, expect, it } from 'vitest';
import { ACTION_ID_ANNOTATION, ACTION_MISSING_SINCE_ANNOTATION } from '../../src/api/data-action.ts';
import { ANNOTATIONS } from '../../src/api/group.ts';
import { connect } from '../emulator/harness.ts';
import type { FaultSpec } from '../emulator/index.ts';
import { createTestNamespace } from '../testbed/namespace.ts';
import {
  apply,
  condition,
  getObject,
  platformCalls,
  startOperator,
  waitFor,
  useCrashFixture,
  webServicesIntegration,
  type Json,
  type Platform,
} from './harness.ts';

const CREATE_ACTION = 'POST /api/v2/integrations/actions';
const PASSWORD = 'action-crash-password-3b9e71';
const DISPLAY_NAME = 'Get order status';

const orderStatus: Json = {
  apiVersion: 'dataactions.dev/v1alpha1',
  kind: 'DataAction',
  metadata: { name: 'order-status' },
  spec: {
    integrationRef: { name: 'orders' },
    category: 'Orders',
    displayName: DISPLAY_NAME,
    contract: {
      input: { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } },
      output: { type: 'object', properties: { status: { type: 'string' } } },
    },
    request: { urlTemplate: 'https://orders.example.com/api/orders/${input.orderId}', method: 'GET' },
    response: { translationMap: { status: '$.order.status' } },
  },
};

/** The DataAction once Ready is True for its current generation. */
async function waitForActionReady(namespace: string, timeoutMs = 120_000): Promise<Json> {
  return waitFor(
    `${namespace}/order-status Ready`,
    async () => {
      const o = await getObject(namespace, 'da', 'order-status');
      const ready = condition(o, 'Ready');
      return ready?.status === 'True' && ready.observedGeneration === o?.metadata.generation ? o : undefined;
    },
    timeoutMs,
  );
}

/** Every action the platform holds, as its API lists them. */
async function platformActions(platform: Platform): Promise<Json[]> {
  const api = await connect(platform.emulator);
  return (await api('GET', '/api/v2/integrations/actions?pageSize=100')).body.entities as Json[];
}

describe('a crash while a DataAction is being created', () => {
  const { operators, crashDuring } = useCrashFixture([PASSWORD, 'emulator-secret']);

  /** Applies an integration and its action, and kills the operator once `crashPoint` says the action create is under way. */
  const crashDuringActionCreate = (options: { fault: FaultSpec; crashPoint: (p: Platform) => boolean }) =>
    crashDuring({
      what: 'the action create call to reach the platform',
      platform: { requestsPerMinute: 3000 },
      namespacePrefix: 'action-crash',
      manifests: (started) => [...started.organization(), ...webServicesIntegration('orders', { password: PASSWORD }), orderStatus],
      fault: options.fault,
      crashPoint: options.crashPoint,
      timeoutMs: 90_000,
    });

  it('adopts the action whose create answer never arrived, with exactly one create call, and reaches Ready', async () => {
    const { namespace, platform: p } = await crashDuringActionCreate({
      fault: { route: CREATE_ACTION, kind: 'commitThenDrop', times: 1 },
      crashPoint: (pl) => platformCalls(pl, CREATE_ACTION) >= 1,
    });
    const crashed = await getObject(namespace, 'da', 'order-status');
    // The crash hit the window the rule is about: a create was pending and no id was recorded.
    expect(crashed?.metadata.annotations?.[ANNOTATIONS.createPending]).toBeDefined();
    expect(crashed?.metadata.annotations?.[ACTION_ID_ANNOTATION]).toBeUndefined();
    expect(crashed?.status?.actionId).toBeUndefined();
    expect(await platformActions(p)).toHaveLength(1);

    operators.push(startOperator({ namespaces: [namespace] }));
    const ready = await waitForActionReady(namespace);

    expect(platformCalls(p, CREATE_ACTION)).toBe(1);
    const stored = await platformActions(p);
    expect(stored.map((a) => a.id)).toEqual([ready.status.actionId]);
    expect(stored[0]?.name).toBe(DISPLAY_NAME);
    expect(ready.metadata.annotations[ACTION_ID_ANNOTATION]).toBe(ready.status.actionId);
    expect(ready.metadata.annotations[ANNOTATIONS.createPending]).toBeUndefined();
    expect(condition(ready, 'Synced')?.status).toBe('True');
  }, 240_000);

  it('creates once when killed while a slow action create call is in flight, and reaches Ready', async () => {
    const { namespace, platform: p } = await crashDuringActionCreate({
      fault: { route: CREATE_ACTION, kind: 'latency', latencyMs: 3_000 },
      // The fault counts a hit when the call arrives; the call is counted only once it is answered.
      crashPoint: (pl) => (pl.emulator.control.faults()[0]?.hits ?? 0) >= 1,
    });
    expect(platformCalls(p, CREATE_ACTION)).toBe(0);
    p.emulator.control.clearFaults();

    operators.push(startOperator({ namespaces: [namespace] }));
    const ready = await waitForActionReady(namespace);

    expect(platformCalls(p, CREATE_ACTION)).toBe(1);
    // Whether the killed operator's call committed or not, the platform holds one action: this one.
    const stored = await platformActions(p);
    expect(stored.map((a) => a.id)).toEqual([ready.status.actionId]);
    expect(stored[0]?.name).toBe(DISPLAY_NAME);
  }, 240_000);
});

// Reads right after a write may lag: a GET by id that answers 404 just after the action was created must not
// be taken as "deleted by hand", which would create a second action.
describe('a 404 on the action right after its create', () => {
  const fixture = useCrashFixture([PASSWORD, 'emulator-secret']);

  it('keeps the recorded id through the 404s, creates exactly once, and reaches Ready', async () => {
    // Listings lag too, so neither the action's name nor its creation marker shows it for a while.
    const p = await fixture.platform({ requestsPerMinute: 3000, listLagMs: 12_000 });
    const namespace = await createTestNamespace('action-lagging-read');
    // The first call by id after the create (the draft the rename starts from) 404s, and so do the reads of the
    // next passes: the id the operator recorded is kept through all of them.
    p.emulator.control.addFault({ route: 'POST /api/v2/integrations/actions/{id}/draft', kind: 'status', status: 404, times: 2 });
    p.emulator.control.addFault({ route: 'GET /api/v2/integrations/actions/{id}', kind: 'status', status: 404, times: 3 });
    fixture.operators.push(startOperator({ namespaces: [namespace] }));
    await apply(namespace, [...p.organization(), ...webServicesIntegration('orders', { password: PASSWORD }), orderStatus]);

    const ready = await waitForActionReady(namespace);
    expect(p.emulator.control.faults()).toEqual([]);
    expect(platformCalls(p, CREATE_ACTION)).toBe(1);
    expect((await platformActions(p)).map((a) => a.id)).toEqual([ready.status.actionId]);
    expect(ready.metadata.annotations[ACTION_ID_ANNOTATION]).toBe(ready.status.actionId);
    expect(ready.metadata.annotations[ACTION_MISSING_SINCE_ANNOTATION]).toBeUndefined();
  }, 240_000);
});
