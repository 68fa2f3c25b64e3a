// Which change sends which DataActions, and which integration, to their controllers.
import { describe, expect, it } from 'vitest';
import type { DataActionIntegrationObject, DataActionObject } from '../../src/api/index.ts';
import { mapActionEventsToKeys } from '../../src/action-event-mapping.ts';
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

function wire() {
  const keys: string[] = [];
  const actions = new FakeInformer<DataActionObject>([action('lookup', 'orders'), action('other', 'billing')]);
  const integrations = new FakeInformer<DataActionIntegrationObject>();
  const queue = (kind: string) => ({ enqueue: (ns: string | undefined, name: string | undefined) => keys.push(`${kind} ${ns}/${name}`) });
  mapActionEventsToKeys({ actions, integrations, actionQueue: queue('da'), integrationQueue: queue('dai') });
  keys.length = 0;
  return { keys, actions, integrations };
}

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

  it('sends an action whose spec changed', () => {
    const { keys, actions } = wire();
    actions.update(action('lookup', 'orders', 1), action('lookup', 'orders', 2));
    expect(keys).toEqual(['da team-a/lookup']);
  });
});
