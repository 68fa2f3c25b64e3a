import { describe, expect, it } from 'vitest';
import { actionMarkerName, afterActionAct, changedParts, decideAction } from '../../../src/reconcile/action-decide.ts';
import type {
  ActionObservation,
  DesiredAction,
  ObservedActionPlatform,
  ObservedActionResource,
  PlatformAction,
} from '../../../src/reconcile/action-model.ts';
import { CREATE_GRACE_MS, NOT_FOUND_GRACE_MS } from '../../../src/reconcile/decide.ts';

const NOW = Date.parse('2026-11-29T10:00:00Z');
const UID = '5b2f0c1e-0000-4000-8000-0000000000aa';
const READY_TRUE = {
  type: 'Ready',
  status: 'True' as const,
  reason: 'Published',
  message: 'Version 1 is published',
  lastTransitionTime: '2026-11-29T09:00:00Z',
  observedGeneration: 1,
};

function resource(over: Partial<ObservedActionResource> = {}): ObservedActionResource {
  return {
    uid: UID,
    generation: 1,
    deleting: false,
    hasFinalizer: true,
    annotatedId: undefined,
    createPendingSince: undefined,
    actionMissingSince: undefined,
    deletionPolicy: 'Delete',
    testInput: undefined,
    status: {},
    ...over,
  };
}

const desired: DesiredAction = {
  integrationId: 'int-1',
  content: {
    name: 'Get order',
    category: 'Orders',
    secure: false,
    contract: { input: { inputSchema: { type: 'object' } }, output: { successSchema: { type: 'object' } } },
    config: { request: { requestUrlTemplate: 'https://x/${input.id}', requestType: 'GET' }, response: { translationMap: { s: '$.s' } } },
  },
};

function published(over: Partial<PlatformAction> = {}, content: Partial<DesiredAction['content']> = {}): PlatformAction {
  return { id: 'act-1', integrationId: 'int-1', version: 1, content: { ...desired.content, ...content }, ...over };
}

function found(action: PlatformAction, draftVersion?: number, nameHeldBy?: string): ObservedActionPlatform {
  return { kind: 'found', action, draftVersion, nameHeldBy };
}

function observe(over: Partial<ActionObservation> & { resource?: ObservedActionResource }): ActionObservation {
  return { now: NOW, resource: resource(), desired, blocker: undefined, platform: { kind: 'skipped' }, ...over };
}

const stepTypes = (obs: ActionObservation): string[] => decideAction(obs).steps.map((s) => s.type);

describe('deciding a DataAction', () => {
  it.each([
    {
      scenario: 'creates a new action under a marker name, after marking the create pending and adding the finalizer, and publishes it',
      obs: observe({ resource: resource({ hasFinalizer: false }), platform: { kind: 'searched', markerMatch: undefined } }),
      steps: ['addFinalizer', 'markCreatePending', 'createAction', 'publish'],
      ready: 'Creating',
    },
    {
      scenario: 'takes the action a lost create made instead of creating a second one',
      obs: observe({ resource: resource({ createPendingSince: NOW - 1000 }), platform: { kind: 'searched', markerMatch: 'act-9' } }),
      steps: ['recordActionId'],
      ready: 'Creating',
    },
    {
      scenario: 'waits while a pending create may still appear',
      obs: observe({ resource: resource({ createPendingSince: NOW - 1000 }), platform: { kind: 'searched', markerMatch: undefined } }),
      steps: [],
      synced: 'CreateIncomplete',
    },
    {
      scenario: 'creates again once a pending create stayed invisible past the grace period',
      obs: observe({
        resource: resource({ createPendingSince: NOW - CREATE_GRACE_MS - 1 }),
        platform: { kind: 'searched', markerMatch: undefined },
      }),
      steps: ['markCreatePending', 'createAction', 'publish'],
    },
    {
      scenario: 'creates nothing while another action of the integration carries the wanted name',
      obs: observe({ platform: { kind: 'searched', markerMatch: undefined, nameHeldBy: 'act-2' } }),
      steps: [],
      ready: 'Creating',
      synced: 'NameTaken',
    },
    {
      scenario: 'creates, publishes and tests in one pass when spec.test asks',
      obs: observe({ resource: resource({ testInput: { id: '1' } }), platform: { kind: 'searched', markerMatch: undefined } }),
      steps: ['markCreatePending', 'createAction', 'publish', 'test'],
    },
    {
      scenario: 'does nothing when the published action matches the spec',
      obs: observe({
        resource: resource({ annotatedId: 'act-1', status: { actionId: 'act-1', version: 1 } }),
        platform: found(published()),
      }),
      steps: [],
      ready: 'Published',
      synced: 'ReconcileSuccess',
    },
    {
      scenario: 'publishes a changed template through a draft',
      obs: observe({
        resource: resource({ annotatedId: 'act-1', status: { actionId: 'act-1', version: 1 } }),
        platform: found(published({}, { config: { request: { requestUrlTemplate: 'https://old', requestType: 'GET' } } })),
      }),
      steps: ['publish'],
      ready: 'Published',
    },
    {
      scenario: 'renames the marker name through a draft after a create',
      obs: observe({
        resource: resource({ annotatedId: 'act-1', status: { actionId: 'act-1', version: 1 } }),
        platform: found(published({}, { name: actionMarkerName('Get order', UID) })),
      }),
      steps: ['publish'],
    },
    {
      scenario: 'refuses a rename to a name another action of the integration carries',
      obs: observe({
        resource: resource({ annotatedId: 'act-1', status: { actionId: 'act-1', version: 1 } }),
        platform: found(published({}, { name: 'Old name' }), undefined, 'act-2'),
      }),
      steps: [],
      synced: 'NameTaken',
    },
    {
      scenario: 'adopts the action named by the annotation and records it',
      obs: observe({ resource: resource({ annotatedId: 'act-1', hasFinalizer: false }), platform: found(published()) }),
      steps: ['addFinalizer', 'recordActionId'],
      ready: 'Published',
    },
    {
      scenario: 'refuses to manage a built-in action',
      obs: observe({ resource: resource({ annotatedId: 'static_1' }), platform: found(published({ id: 'static_1' })) }),
      steps: [],
      synced: 'InvalidSpec',
    },
    {
      scenario: 'refuses an action that belongs to another integration',
      obs: observe({ resource: resource({ annotatedId: 'act-1' }), platform: found(published({ integrationId: 'int-2' })) }),
      steps: [],
      synced: 'InvalidSpec',
    },
    {
      scenario: 'creates again an action deleted by hand, once its 404 has lasted the grace period',
      obs: observe({
        resource: resource({ annotatedId: 'act-1', actionMissingSince: NOW - NOT_FOUND_GRACE_MS, status: { actionId: 'act-1' } }),
        platform: { kind: 'missing', id: 'act-1', listed: false },
      }),
      steps: ['forgetActionId'],
      ready: 'Creating',
    },
    {
      scenario: 'does not believe the first 404 of the action it recorded: marks when it began, keeps the id, creates nothing',
      obs: observe({
        resource: resource({ annotatedId: 'act-1', status: { actionId: 'act-1' } }),
        platform: { kind: 'missing', id: 'act-1', listed: false },
      }),
      steps: ['markMissing'],
      synced: 'PlatformError',
    },
    {
      scenario: 'does not believe a 404 right after its create, when the status has only the id and no listing shows it yet',
      obs: observe({
        resource: resource({ annotatedId: 'act-1', status: { actionId: 'act-1', integrationId: 'int-1' } }),
        platform: { kind: 'missing', id: 'act-1', listed: false },
      }),
      steps: ['markMissing'],
      ready: 'Creating',
      synced: 'PlatformError',
    },
    {
      scenario: 'keeps looking while the 404 is younger than the grace period',
      obs: observe({
        resource: resource({ annotatedId: 'act-1', actionMissingSince: NOW - NOT_FOUND_GRACE_MS + 1, status: { actionId: 'act-1' } }),
        platform: { kind: 'missing', id: 'act-1', listed: false },
      }),
      steps: [],
      synced: 'PlatformError',
    },
    {
      scenario: 'does not believe a 404 for an action a listing still shows',
      obs: observe({
        resource: resource({ annotatedId: 'act-1', actionMissingSince: NOW - 1000, status: { actionId: 'act-1' } }),
        platform: { kind: 'missing', id: 'act-1', listed: true },
      }),
      steps: [],
      synced: 'PlatformError',
    },
    {
      scenario: 'does not believe a 404 for an action a listing still shows, even past the grace period',
      obs: observe({
        resource: resource({ annotatedId: 'act-1', actionMissingSince: NOW - 2 * NOT_FOUND_GRACE_MS, status: { actionId: 'act-1' } }),
        platform: { kind: 'missing', id: 'act-1', listed: true },
      }),
      steps: [],
      synced: 'PlatformError',
    },
    {
      scenario: 'clears the 404 mark once the action answers again, recording the id it kept',
      obs: observe({
        resource: resource({ annotatedId: 'act-1', actionMissingSince: NOW - 1000, status: { actionId: 'act-1', version: 1 } }),
        platform: found(published()),
      }),
      steps: ['recordActionId'],
      ready: 'Published',
    },
    {
      scenario: 'says an annotated id that does not exist is a mistake to fix',
      obs: observe({ resource: resource({ annotatedId: 'nope' }), platform: { kind: 'missing', id: 'nope', listed: false } }),
      steps: [],
      synced: 'InvalidSpec',
    },
    {
      scenario: 'waits for its integration to be Ready',
      obs: observe({
        desired: undefined,
        blocker: { reason: 'IntegrationNotReady', message: 'DataActionIntegration "orders" is not Ready', allowsDeletion: false },
      }),
      steps: [],
      synced: 'IntegrationNotReady',
    },
    {
      scenario: 'tests the published action once per generation when spec.test asks',
      obs: observe({
        resource: resource({ annotatedId: 'act-1', testInput: { id: '1' }, status: { actionId: 'act-1', version: 1 } }),
        platform: found(published()),
      }),
      steps: ['test'],
    },
    {
      scenario: 'removes a leftover draft once the published action matches',
      obs: observe({
        resource: resource({ annotatedId: 'act-1', status: { actionId: 'act-1', version: 1 } }),
        platform: found(published(), 3),
      }),
      steps: ['deleteDraft'],
    },
  ])('$scenario', ({ obs, steps, ready, synced }) => {
    const decision = decideAction(obs);
    expect(decision.steps.map((s) => s.type)).toEqual(steps);
    if (ready !== undefined) expect(decision.ready.reason).toBe(ready);
    if (synced !== undefined) expect(decision.synced.reason).toBe(synced);
  });

  it('keeps Ready and the id through a 404 it does not believe yet, marking it at the time observed', () => {
    const decision = decideAction(
      observe({
        resource: resource({ annotatedId: 'act-1', status: { actionId: 'act-1', conditions: [READY_TRUE] } }),
        platform: { kind: 'missing', id: 'act-1', listed: false },
      }),
    );
    expect(decision.steps).toEqual([{ type: 'markMissing', at: NOW }]);
    expect(decision.status).toEqual({});
    expect(decision.ready).toMatchObject({ status: 'True', reason: 'Published' });
    expect(decision.events).toEqual([]);
    expect(decision.requeueAfterMs).toBeGreaterThan(0);
  });

  it('tells an action gone for the whole grace period as a Warning, and forgets its id', () => {
    const decision = decideAction(
      observe({
        resource: resource({ annotatedId: 'act-1', actionMissingSince: NOW - NOT_FOUND_GRACE_MS, status: { actionId: 'act-1' } }),
        platform: { kind: 'missing', id: 'act-1', listed: false },
      }),
    );
    expect(decision.status).toMatchObject({ actionId: undefined, version: undefined });
    expect(decision.events).toEqual([expect.objectContaining({ type: 'Warning', reason: 'ActionMissing' })]);
  });

  it('keeps Ready as it was while the integration is not Ready', () => {
    const decision = decideAction(
      observe({
        resource: resource({ status: { conditions: [READY_TRUE] } }),
        desired: undefined,
        blocker: { reason: 'IntegrationNotReady', message: 'not Ready', allowsDeletion: false },
      }),
    );
    expect(decision.ready).toMatchObject({ status: 'True', reason: 'Published' });
    expect(decision.requeueAfterMs).toBeGreaterThan(0);
  });

  it('tells a contract change as a Warning, and drift made by hand as DriftReverted', () => {
    const obs = observe({
      resource: resource({
        annotatedId: 'act-1',
        status: { actionId: 'act-1', version: 1, observedGeneration: 1, conditions: [READY_TRUE] },
      }),
      platform: found(
        published(
          {},
          {
            contract: {
              input: { inputSchema: { type: 'object', properties: { x: { type: 'string' } } } },
              output: { successSchema: { type: 'object' } },
            },
          },
        ),
      ),
    });
    expect(decideAction(obs).events.map((e) => [e.type, e.reason])).toEqual([
      ['Normal', 'DriftReverted'],
      ['Warning', 'ContractChanged'],
    ]);
  });

  it('sends the draft the spec and the draft version it found', () => {
    const obs = observe({
      resource: resource({ annotatedId: 'act-1', status: { actionId: 'act-1' } }),
      platform: found(published({}, { category: 'Old' }), 4),
    });
    expect(decideAction(obs).steps).toEqual([{ type: 'publish', id: 'act-1', content: desired.content, draftVersion: 4 }]);
  });

  it('publishes the action the create returns, under the spec name, with no draft to look for', () => {
    const decision = decideAction(observe({ platform: { kind: 'searched', markerMatch: undefined } }));
    expect(decision.steps).toContainEqual({ type: 'publish', id: undefined, content: desired.content, draftVersion: undefined });
    expect(decision.steps).toContainEqual({
      type: 'createAction',
      integrationId: 'int-1',
      content: { ...desired.content, name: actionMarkerName('Get order', UID) },
    });
  });

  it('is Ready in the pass that created and published, with no confirming pass before the resync', () => {
    const decision = decideAction(observe({ platform: { kind: 'searched', markerMatch: undefined } }));
    const after = afterActionAct(decision, { actionId: 'act-7', version: 2 }, undefined);
    expect([after.ready.status, after.ready.reason, after.ready.message]).toEqual([
      'True',
      'Published',
      'Version 2 is published and matches the spec',
    ]);
    expect(after.status.platformName).toBe('Get order');
    expect(after.requeueAfterMs).toBeUndefined();
  });

  it('stays Creating and looks again soon when the publish after a create failed', () => {
    const decision = decideAction(observe({ platform: { kind: 'searched', markerMatch: undefined } }));
    const after = afterActionAct(decision, { actionId: 'act-7', version: 1 }, new Error('lost'));
    expect([after.ready.reason, after.requeueAfterMs]).toEqual(['Creating', 0]);
  });

  it('takes the action a lost create made, found by its marker, and publishes it in the same pass', () => {
    const obs = observe({
      resource: resource({ createPendingSince: NOW - 1000 }),
      platform: found(published({ id: 'act-9' }, { name: actionMarkerName('Get order', UID) })),
    });
    expect(stepTypes(obs)).toEqual(['recordActionId', 'publish']);
  });
});

describe('deciding a DataAction deletion', () => {
  const deleting = (over: Partial<ObservedActionResource> = {}): ObservedActionResource =>
    resource({ deleting: true, annotatedId: 'act-1', ...over });
  it.each([
    {
      scenario: 'deletes the action, then releases the resource',
      obs: observe({ resource: deleting(), platform: found(published()) }),
      steps: ['deleteAction', 'removeFinalizer'],
    },
    {
      scenario: 'leaves the action with deletionPolicy Orphan',
      obs: observe({ resource: deleting({ deletionPolicy: 'Orphan' }) }),
      steps: ['removeFinalizer'],
    },
    {
      scenario: 'releases at once what never reached the platform',
      obs: observe({ resource: deleting({ annotatedId: undefined }) }),
      steps: ['removeFinalizer'],
    },
    {
      scenario: 'deletes the action a lost create made',
      obs: observe({
        resource: deleting({ annotatedId: undefined, createPendingSince: NOW - 1000 }),
        platform: { kind: 'searched', markerMatch: 'act-7' },
      }),
      steps: ['deleteAction', 'removeFinalizer'],
    },
    {
      scenario: 'waits while a pending create may still appear',
      obs: observe({
        resource: deleting({ annotatedId: undefined, createPendingSince: NOW - 1000 }),
        platform: { kind: 'searched', markerMatch: undefined },
      }),
      steps: [],
    },
    {
      scenario: 'waits while the organization cannot be reached',
      obs: observe({ resource: deleting(), blocker: { reason: 'OrganizationNotReady', message: 'x', allowsDeletion: false } }),
      steps: [],
    },
    { scenario: 'does nothing without its finalizer', obs: observe({ resource: deleting({ hasFinalizer: false }) }), steps: [] },
  ])('$scenario', ({ obs, steps }) => {
    expect(stepTypes(obs)).toEqual(steps);
  });
});

describe('comparing an action with the spec', () => {
  it('ignores empty objects and key order the platform adds', () => {
    const platform = {
      ...desired.content,
      config: {
        response: { translationMap: { s: '$.s' } },
        request: { requestType: 'GET', headers: {}, requestUrlTemplate: 'https://x/${input.id}' },
      },
    };
    expect(changedParts(platform, desired.content)).toEqual([]);
  });
});
