// The DataAction reconciler through fakes (caches, writer, Events) and the emulator as the platform.
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACTION_ID_ANNOTATION,
  ACTION_MISSING_SINCE_ANNOTATION,
  ANNOTATIONS,
  API_VERSION,
  type DataActionStatus,
} from '../../../src/api/index.ts';
import { actionMarkerName } from '../../../src/reconcile/action-decide.ts';
import { ActionClients } from '../../../src/reconcile/action-clients.ts';
import type { ActionReconcilerDeps } from '../../../src/reconcile/action-observe.ts';
import { reconcileAction } from '../../../src/reconcile/action-reconciler.ts';
import { NOT_FOUND_GRACE_MS } from '../../../src/reconcile/decide.ts';
import {
  FakeCache,
  FakeWriter,
  NAMESPACE,
  organization,
  READY_ORG_STATUS,
  readyActionsIntegration,
  startHarness,
  type Harness,
} from './harness.ts';

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
  await readyActionsIntegration(h);
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
  const listing = await platformCall(s, 'GET', `${ACTIONS}?pageSize=100`);
  return ((await listing.json()) as { entities: Array<{ id: string; name: string; version: number }> }).entities;
}

/** A call to the emulator's API with a token of the organization's client, as a person or a script makes it. */
async function platformCall(s: Setup, method: string, path: string): Promise<Response> {
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
  return fetch(`${s.h.emulator.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
}

const annotationsOf = (s: Setup): Record<string, string> => s.actions.get(NAMESPACE, 'lookup')?.metadata?.annotations ?? {};
const creates = (s: Setup): number => s.h.emulator.control.calls().byRoute[`POST ${ACTIONS}`]?.count ?? 0;

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

  it('creates, renames and publishes a new action in one pass, Ready at once, and looks again only at the resync', async () => {
    dataAction(s);
    const result = await reconcileAction(s.deps, NAMESPACE, 'lookup');
    expect(await platformActions(s)).toEqual([expect.objectContaining({ name: 'Get order', version: 2 })]);
    expect(conditionOf(s, 'Ready')).toMatchObject({
      status: 'True',
      reason: 'Published',
      message: 'Version 2 is published and matches the spec',
    });
    expect(conditionOf(s, 'Synced')).toMatchObject({ status: 'True' });
    expect(statusOf(s)).toMatchObject({ version: 2, platformName: 'Get order', observedGeneration: 1 });
    expect(result).toEqual({ resyncPeriodMs: s.deps.resyncMs });
    expect(annotationsOf(s)[ANNOTATIONS.createPending]).toBeUndefined();
    expect(s.h.events.map((e) => e.reason)).toEqual(['Created', 'Published']);
  });

  it('after a crash between the create and the publish, the next pass finds the action by its marker and publishes it, creating nothing', async () => {
    dataAction(s);
    // The create went through; the process died before it recorded the id (the first write after the create).
    s.writer.failures.set('writeStatus', new Error('connection reset'));
    await reconcileAction(s.deps, NAMESPACE, 'lookup').catch(() => undefined);
    expect(creates(s)).toBe(1);
    expect(statusOf(s).actionId).toBeUndefined();
    expect(annotationsOf(s)[ANNOTATIONS.createPending]).toBeDefined();
    expect((await platformActions(s)).map((a) => a.name)).toEqual([actionMarkerName('Get order', 'uid-lookup')]);

    await reconcileAction(s.deps, NAMESPACE, 'lookup');
    expect(creates(s)).toBe(1);
    const [action] = await platformActions(s);
    expect(action).toMatchObject({ name: 'Get order', version: 2 });
    expect(statusOf(s)).toMatchObject({ actionId: action?.id, version: 2, platformName: 'Get order' });
    expect(annotationsOf(s)[ACTION_ID_ANNOTATION]).toBe(action?.id);
    expect(annotationsOf(s)[ANNOTATIONS.createPending]).toBeUndefined();
    expect(conditionOf(s, 'Ready')).toMatchObject({ status: 'True', reason: 'Published' });
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

  it('keeps the id it recorded through 404s right after its create, and creates exactly once', async () => {
    // Reads right after a write lag: GET by id answers 404 for 20 s after the create, and listings miss it as long.
    s.h.emulator.control.setConsistency({ readAfterWriteLagMs: 20_000, listLagMs: 20_000 });
    dataAction(s);
    await reconcileAction(s.deps, NAMESPACE, 'lookup');
    const id = statusOf(s).actionId;
    expect(id).toBeDefined();
    for (let pass = 0; pass < 3; pass += 1) {
      await reconcileAction(s.deps, NAMESPACE, 'lookup');
      s.h.now += 5_000;
    }
    expect(conditionOf(s, 'Synced')).toMatchObject({ status: 'False', reason: 'PlatformError' });
    expect(conditionOf(s, 'Synced')?.message).toContain(`Action ${id} answered 404`);
    expect(annotationsOf(s)[ACTION_MISSING_SINCE_ANNOTATION]).toBeDefined();
    expect(statusOf(s).actionId).toBe(id);
    expect(creates(s)).toBe(1);

    s.h.emulator.control.advanceClock(20_000);
    for (let pass = 0; pass < 2; pass += 1) await reconcileAction(s.deps, NAMESPACE, 'lookup');
    expect(conditionOf(s, 'Ready')).toMatchObject({ status: 'True', reason: 'Published' });
    expect(await platformActions(s)).toEqual([expect.objectContaining({ id, name: 'Get order' })]);
    expect(creates(s)).toBe(1);
    expect(annotationsOf(s)[ACTION_MISSING_SINCE_ANNOTATION]).toBeUndefined();
    expect(annotationsOf(s)[ACTION_ID_ANNOTATION]).toBe(id);
    expect(s.h.events.map((e) => e.reason)).not.toContain('ActionMissing');
  }, 20_000);

  it('creates the action again once its 404 has lasted the grace period: it was deleted by hand', async () => {
    dataAction(s);
    for (let pass = 0; pass < 3; pass += 1) await reconcileAction(s.deps, NAMESPACE, 'lookup');
    const first = statusOf(s).actionId;
    expect((await platformCall(s, 'DELETE', `${ACTIONS}/${first}`)).status).toBe(204);

    await reconcileAction(s.deps, NAMESPACE, 'lookup');
    expect(creates(s)).toBe(1);
    expect(statusOf(s).actionId).toBe(first);
    s.h.now += NOT_FOUND_GRACE_MS - 1_000;
    await reconcileAction(s.deps, NAMESPACE, 'lookup');
    expect(creates(s)).toBe(1);

    s.h.now += 1_000;
    for (let pass = 0; pass < 4; pass += 1) await reconcileAction(s.deps, NAMESPACE, 'lookup');
    expect(creates(s)).toBe(2);
    const again = await platformActions(s);
    expect(again).toEqual([expect.objectContaining({ name: 'Get order' })]);
    expect(again[0]?.id).not.toBe(first);
    expect(statusOf(s).actionId).toBe(again[0]?.id);
    expect(conditionOf(s, 'Ready')).toMatchObject({ status: 'True', reason: 'Published' });
    expect(annotationsOf(s)[ACTION_MISSING_SINCE_ANNOTATION]).toBeUndefined();
    expect(s.h.events.filter((e) => e.reason === 'ActionMissing')).toHaveLength(1);
  }, 20_000);
});
