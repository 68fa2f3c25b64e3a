// The DataAction reconciler through fakes (caches, writer, Events) and the emulator as the platform.
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_VERSION, type DataActionStatus } from '../../../src/api/index.ts';
import { ActionClients } from '../../../src/reconcile/action-clients.ts';
import type { ActionReconcilerDeps } from '../../../src/reconcile/action-observe.ts';
import { reconcileAction } from '../../../src/reconcile/action-reconciler.ts';
import { FakeCache, FakeWriter, NAMESPACE, organization, READY_ORG_STATUS, startHarness, type Harness } from './harness.ts';

const ACTIONS = '/api/v2/integrations/actions';

interface Setup {
  readonly h: Harness;
  readonly deps: ActionReconcilerDeps;
  readonly actions: FakeCache;
  readonly writer: FakeWriter;
  readonly configMaps: Map<string, Record<string, string>>;
}

async function setup(): Promise<Setup> {
  const h = await startHarness();
  organization(h, { status: READY_ORG_STATUS });
  const made = await fetch(`${h.emulator.baseUrl}/__emulator/integrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'custom-rest-actions', name: 'Orders', state: 'ACTIVE' }),
  });
  const integrationId = ((await made.json()) as { id: string }).id;
  h.integrations.put({
    apiVersion: API_VERSION,
    kind: 'DataActionIntegration',
    metadata: { name: 'orders', namespace: NAMESPACE, uid: 'uid-orders', generation: 1 },
    spec: { organizationRef: { name: 'prod' }, type: 'WebServices' },
    status: {
      integrationId,
      conditions: [{ type: 'Ready', status: 'True', reason: 'Available', message: '', lastTransitionTime: '2026-11-24T09:00:00Z' }],
    },
  } as unknown as KubernetesObject);
  const actions = new FakeCache();
  const writer = new FakeWriter(actions);
  const configMaps = new Map<string, Record<string, string>>();
  const deps: ActionReconcilerDeps = {
    ...h.deps,
    actionWriter: writer,
    actions,
    readConfigMap: (namespace, name) => Promise.resolve(configMaps.get(`${namespace}/${name}`)),
    actionClients: new ActionClients({ sleep: () => Promise.resolve() }),
  };
  return { h, deps, actions, writer, configMaps };
}

function dataAction(s: Setup, spec: Record<string, unknown> = {}, generation = 1): KubernetesObject {
  const existing = s.actions.get(NAMESPACE, 'lookup');
  return s.actions.put({
    apiVersion: API_VERSION,
    kind: 'DataAction',
    metadata: { ...(existing?.metadata ?? { name: 'lookup', namespace: NAMESPACE, uid: 'uid-lookup', resourceVersion: '1' }), generation },
    spec: {
      integrationRef: { name: 'orders' },
      category: 'Orders',
      displayName: 'Get order',
      secure: false,
      contract: { input: { type: 'object' }, output: { type: 'object' } },
      request: { urlTemplate: 'https://orders.example.com/${input.id}', method: 'GET' },
      response: { translationMap: { status: '$.status' } },
      deletionPolicy: 'Delete',
      ...spec,
    },
    ...(existing === undefined ? {} : { status: (existing as { status?: unknown }).status }),
  } as unknown as KubernetesObject);
}

const statusOf = (s: Setup): DataActionStatus => (s.actions.get(NAMESPACE, 'lookup') as { status?: DataActionStatus }).status ?? {};
const conditionOf = (s: Setup, type: string) => statusOf(s).conditions?.find((c) => c.type === type);

async function platformActions(s: Setup): Promise<Array<{ id: string; name: string; version: number }>> {
  const token = (
    (await (
      await fetch(`${s.h.emulator.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('emulator-client:emulator-secret').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      })
    ).json()) as { access_token: string }
  ).access_token;
  const listing = await fetch(`${s.h.emulator.baseUrl}${ACTIONS}?pageSize=100`, { headers: { authorization: `Bearer ${token}` } });
  return ((await listing.json()) as { entities: Array<{ id: string; name: string; version: number }> }).entities;
}

describe('reconciling a DataAction', () => {
  let s: Setup;
  beforeEach(async () => {
    s = await setup();
  });
  afterEach(async () => {
    await s.h.close();
  });

  it('creates the action under its marker, then publishes it under its name', async () => {
    dataAction(s);
    await reconcileAction(s.deps, NAMESPACE, 'lookup');
    await reconcileAction(s.deps, NAMESPACE, 'lookup');
    await reconcileAction(s.deps, NAMESPACE, 'lookup');
    expect(await platformActions(s)).toEqual([expect.objectContaining({ name: 'Get order', version: 2 })]);
    expect(conditionOf(s, 'Ready')).toMatchObject({ status: 'True', reason: 'Published' });
    expect(conditionOf(s, 'Synced')).toMatchObject({ status: 'True' });
    expect(statusOf(s)).toMatchObject({ version: 2, platformName: 'Get order', observedGeneration: 1 });
  });

  it('makes no second action after a crash between the create and recording its id', async () => {
    dataAction(s);
    // The create went through; recording the id failed (the process died, the API server was away).
    s.writer.failures.set('writeStatus', new Error('connection reset'));
    await reconcileAction(s.deps, NAMESPACE, 'lookup').catch(() => undefined);
    expect(statusOf(s).actionId).toBeUndefined();
    for (let pass = 0; pass < 3; pass += 1) await reconcileAction(s.deps, NAMESPACE, 'lookup');
    expect((await platformActions(s)).map((a) => a.name)).toEqual(['Get order']);
    expect(conditionOf(s, 'Ready')?.status).toBe('True');
  });

  it('leaves the published version when the draft of a change fails validation, and says why', async () => {
    dataAction(s);
    for (let pass = 0; pass < 3; pass += 1) await reconcileAction(s.deps, NAMESPACE, 'lookup');
    dataAction(s, { response: { translationMap: { status: 'status' } } }, 2);
    await reconcileAction(s.deps, NAMESPACE, 'lookup');
    expect(conditionOf(s, 'Synced')).toMatchObject({ status: 'False', reason: 'DraftInvalid', observedGeneration: 2 });
    expect(conditionOf(s, 'Synced')?.message).toContain('config.response.translationMap.status is not a JSON path');
    expect(conditionOf(s, 'Ready')).toMatchObject({ status: 'True', reason: 'Published' });
    expect((await platformActions(s)).map((a) => a.version)).toEqual([2]);
    expect(s.h.events.map((e) => e.reason)).toContain('DraftInvalid');
  });

  it('waits with IntegrationNotReady while its integration is not Ready', async () => {
    s.h.integrations.drop(s.h.integrations.get(NAMESPACE, 'orders')!);
    dataAction(s);
    await reconcileAction(s.deps, NAMESPACE, 'lookup');
    expect(conditionOf(s, 'Synced')).toMatchObject({ status: 'False', reason: 'IntegrationNotReady' });
    expect(await platformActions(s)).toEqual([]);
  });

  it('waits with TemplateNotFound for a missing ConfigMap key, then uses it once it exists', async () => {
    dataAction(s, { response: { successTemplateFrom: { configMapKeyRef: { name: 'tpl', key: 'success.vm' } } } });
    await reconcileAction(s.deps, NAMESPACE, 'lookup');
    expect(conditionOf(s, 'Synced')).toMatchObject({ status: 'False', reason: 'TemplateNotFound' });
    s.configMaps.set(`${NAMESPACE}/tpl`, { 'success.vm': '{"s": ${status}}' });
    for (let pass = 0; pass < 3; pass += 1) await reconcileAction(s.deps, NAMESPACE, 'lookup');
    expect(conditionOf(s, 'Ready')).toMatchObject({ status: 'True', reason: 'Published' });
  });
});
