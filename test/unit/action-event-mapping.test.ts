// Which change sends which DataActions, and which integration, to their controllers.
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ACTION_MISSING_SINCE_ANNOTATION, type DataActionIntegrationObject, type DataActionObject } from '../../src/api/index.ts';
import { mapActionEventsToKeys, refersToTemplateConfigMap } from '../../src/action-event-mapping.ts';
import type { Priority } from '../../src/lib/priority.ts';
import { FakeInformer } from './fake-informer.ts';

function integration(name: string, ready: 'True' | 'False', integrationId?: string): DataActionIntegrationObject {
  return {
    metadata: { name, namespace: 'team-a', generation: 1 },
    spec: { organizationRef: { name: 'prod' }, type: 'WebServices' },
    status: {
      ...(integrationId === undefined ? {} : { integrationId }),
      conditions: [{ type: 'Ready', status: ready, reason: 'X', message: '', lastTransitionTime: '' }],
    },
  } as DataActionIntegrationObject;
}

function action(name: string, integrationName: string, generation = 1): DataActionObject {
  return { metadata: { name, namespace: 'team-a', generation }, spec: { integrationRef: { name: integrationName } } } as DataActionObject;
}

type TemplateRefs = { request?: string; success?: string };

/** An action whose templates come from the named ConfigMaps. */
function templated(name: string, refs: TemplateRefs, namespace = 'team-a'): DataActionObject {
  const from = (configMap: string | undefined) =>
    configMap === undefined ? undefined : { configMapKeyRef: { name: configMap, key: 't.vm' } };
  return {
    metadata: { name, namespace, generation: 1 },
    spec: {
      integrationRef: { name: 'returns' },
      request: { method: 'GET', requestTemplateFrom: from(refs.request) },
      response: { successTemplateFrom: from(refs.success) },
    },
  } as DataActionObject;
}

const configMap = (name: string, resourceVersion = '1', namespace = 'team-a'): KubernetesObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, resourceVersion },
});

function wire() {
  const keys: string[] = [];
  const lanes: string[] = [];
  const started = { value: true };
  const actions = new FakeInformer<DataActionObject>([
    action('lookup', 'orders'),
    action('other', 'billing'),
    templated('order-status', { success: 'order-templates' }),
    templated('order-update', { request: 'order-templates', success: 'shared-templates' }),
    templated('refund', { request: 'refund-templates' }),
    templated('order-status', { success: 'order-templates' }, 'team-b'),
  ]);
  const integrations = new FakeInformer<DataActionIntegrationObject>();
  const configMaps = new FakeInformer<KubernetesObject>();
  const queue = (kind: string) => ({
    enqueue: (ns: string | undefined, name: string | undefined, priority: Priority) => {
      keys.push(`${kind} ${ns}/${name}`);
      lanes.push(`${kind} ${ns}/${name} ${priority}`);
    },
  });
  mapActionEventsToKeys({
    actions,
    integrations,
    configMaps,
    actionQueue: queue('da'),
    integrationQueue: queue('dai'),
    beforeStart: () => !started.value,
  });
  keys.length = 0;
  return { keys, lanes, actions, integrations, configMaps, started };
}

type World = ReturnType<typeof wire>;

describe('mapping events to DataAction keys', () => {
  it('sends the actions of an integration that turns Ready, and no others', () => {
    const { keys, integrations } = wire();
    integrations.update(integration('orders', 'False'), integration('orders', 'True', 'i-1'));
    expect(keys).toEqual(['da team-a/lookup']);
  });

  it('sends nothing for an integration status write that changes neither readiness nor id', () => {
    const { keys, integrations } = wire();
    integrations.update(integration('orders', 'True', 'i-1'), integration('orders', 'True', 'i-1'));
    expect(keys).toEqual([]);
  });

  it('wakes the integration when one of its actions is deleted, so a waiting deletion goes on', () => {
    const { keys, actions } = wire();
    actions.delete(action('lookup', 'orders'));
    expect(keys).toEqual(['da team-a/lookup', 'dai team-a/orders']);
  });

  it("sends nothing for the operator's own 404 mark on an action: the reconcile that wrote it looks again by itself", () => {
    const { keys, actions } = wire();
    const marked = action('lookup', 'orders');
    marked.metadata = { ...marked.metadata, annotations: { [ACTION_MISSING_SINCE_ANNOTATION]: '2026-11-29T10:00:00.000Z' } };
    actions.update(action('lookup', 'orders'), marked);
    expect(keys).toEqual([]);
  });

  it('sends an action whose spec changed', () => {
    const { keys, actions } = wire();
    actions.update(action('lookup', 'orders', 1), action('lookup', 'orders', 2));
    expect(keys).toEqual(['da team-a/lookup']);
  });
});

describe('mapping ConfigMap events to the DataActions whose templates they hold', () => {
  const beforeStart =
    (fire: (w: World) => void) =>
    (w: World): void => {
      w.started.value = false;
      fire(w);
    };
  it.each([
    {
      scenario: 'an edited template sends, as a change, the actions that take a template from it, in its namespace only',
      fire: (w: World) => w.configMaps.update(configMap('order-templates', '1'), configMap('order-templates', '2')),
      lanes: ['da team-a/order-status change', 'da team-a/order-update change'],
    },
    {
      scenario: 'a ConfigMap that holds a success template of one action and nothing else sends only that action',
      fire: (w: World) => w.configMaps.update(configMap('shared-templates', '4'), configMap('shared-templates', '5')),
      lanes: ['da team-a/order-update change'],
    },
    {
      scenario: 'a request template ConfigMap sends its action',
      fire: (w: World) => w.configMaps.update(configMap('refund-templates', '1'), configMap('refund-templates', '2')),
      lanes: ['da team-a/refund change'],
    },
    {
      scenario: 'a ConfigMap no DataAction references sends nothing',
      fire: (w: World) => w.configMaps.update(configMap('kube-root-ca.crt', '1'), configMap('kube-root-ca.crt', '2')),
      lanes: [],
    },
    {
      scenario: 'a ConfigMap resent by a relist with the same resourceVersion sends nothing',
      fire: (w: World) => w.configMaps.update(configMap('order-templates', '3'), configMap('order-templates', '3')),
      lanes: [],
    },
    {
      scenario: 'a ConfigMap created after the listing is a change for the actions waiting for it',
      fire: (w: World) => w.configMaps.add(configMap('refund-templates')),
      lanes: ['da team-a/refund change'],
    },
    {
      scenario: 'a ConfigMap from the initial listing sends its actions as initial',
      fire: beforeStart((w) => w.configMaps.add(configMap('refund-templates'))),
      lanes: ['da team-a/refund initial'],
    },
    {
      scenario: 'a deleted ConfigMap sends its actions as a change, so they say the template is gone',
      fire: (w: World) => w.configMaps.delete(configMap('order-templates', '1', 'team-b')),
      lanes: ['da team-b/order-status change'],
    },
  ])('$scenario', ({ fire, lanes }) => {
    const w = wire();
    w.lanes.length = 0;
    fire(w);
    expect(w.lanes).toEqual(lanes);
  });

  it.each([
    { scenario: 'an action refers to its success template ConfigMap', refs: { success: 'tpl' }, expected: true },
    { scenario: 'an action refers to its request template ConfigMap', refs: { request: 'tpl' }, expected: true },
    { scenario: 'an action with other ConfigMaps does not refer to this one', refs: { request: 'a', success: 'b' }, expected: false },
    { scenario: 'an action with inline templates refers to no ConfigMap', refs: {}, expected: false },
  ])('$scenario', ({ refs, expected }) => {
    expect(refersToTemplateConfigMap(configMap('tpl'))(templated('x', refs))).toBe(expected);
  });
});
