// The soak's checks on hand-made observations: each invariant reports what breaks it and nothing else.
import { describe, expect, it } from 'vitest';
import type { StateSnapshot, StoredAction } from '../emulator/index.ts';
import { actionSpecParts, type ActionResource } from './actions.ts';
import { checkNothingLeft, checkSettled, secretLeaks, type Observation } from './invariants.ts';
import type { Json } from './kube.ts';
import type { Resource } from './world.ts';

type Stored = StateSnapshot['integrations'][number];
const ORG = { namespace: 'ns', name: 'org', platform: 0 };

function integration(id: string, name: string, extra: Partial<Stored> = {}): Stored {
  return {
    id,
    typeId: 'custom-rest-actions',
    name,
    notes: '',
    version: 2,
    properties: {},
    advanced: {},
    credentials: { basicAuth: `cred-${id}` },
    intendedState: 'ENABLED',
    reportedState: 'ACTIVE',
    reportedStateUpdatedAt: 0,
    attributes: {},
    createdAt: 0,
    ...extra,
  };
}

function credential(id: string, password: string): StateSnapshot['credentials'][number] {
  return { id, name: `c ${id}`, typeName: 'basicAuth', fields: { userName: 'u', password }, createdAt: 0, modifiedAt: 0 };
}

function resource(name: string, displayName: string, password = 'pw-1'): Resource {
  return {
    namespace: 'ns',
    name,
    org: ORG,
    type: 'WebServices',
    displayName,
    active: true,
    secret: { data: { userName: 'u', password }, secrets: [password] },
    deleting: false,
  };
}

function object(name: string, uid: string, status: Json): Json {
  return {
    metadata: { namespace: 'ns', name, uid, generation: 1, annotations: { 'dataactions.dev/integration-id': status.integrationId } },
    status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }], ...status },
  };
}

/** One resource `web` Ready on integration i1 "Support" with credential cred-i1. */
function healthy(): Observation {
  return {
    platforms: [
      {
        integrations: [integration('i1', 'Support', { notes: 'uid u1' })],
        credentials: [credential('cred-i1', 'pw-1')],
        tokens: { issued: 1, valid: 1 },
      },
    ],
    objects: [object('web', 'u1', { integrationId: 'i1', platformName: 'Support', state: 'ACTIVE', credentialId: 'cred-i1' })],
    resources: [resource('web', 'Support')],
    handMade: [],
    actionObjects: [],
    platformActions: [[]],
    actions: [],
    handActions: new Set(),
  };
}

const kinds = (observation: Observation): string[] => checkSettled(observation).map((v) => v.kind);

describe('the soak invariants', () => {
  it('finds nothing wrong with a resource Ready on its own integration and credential', () => {
    expect(checkSettled(healthy())).toEqual([]);
  });

  it('reports an integration no resource names, and one left under its temporary name apart', () => {
    const observation = healthy();
    observation.platforms[0]!.integrations.push(
      integration('i2', 'Orders'),
      integration('i3', 'Support (creating u1)', { notes: 'uid u1' }),
    );
    expect(kinds(observation).sort()).toEqual(['duplicate-integration', 'orphan-integration', 'orphan-temporary-name']);
  });

  it('leaves alone an integration made by hand, and reports it when it was renamed', () => {
    const observation = { ...healthy(), handMade: [{ platform: 0, id: 'h1', name: 'Billing', adopted: false }] };
    observation.platforms[0]!.integrations.push(integration('h1', 'Billing'));
    expect(checkSettled(observation)).toEqual([]);
    observation.platforms[0]!.integrations[1]!.name = 'Billing 2';
    expect(kinds(observation)).toEqual(['hand-made-touched']);
  });

  it('reports two integrations of one org with one name, and a credential nobody names', () => {
    const observation = { ...healthy(), handMade: [{ platform: 0, id: 'h1', name: 'Support', adopted: false }] };
    observation.platforms[0]!.integrations.push(integration('h1', 'Support'));
    observation.platforms[0]!.credentials.push(credential('stray', 'pw-0'));
    expect(kinds(observation).sort()).toEqual(['duplicate-name', 'orphan-credential']);
  });

  it('reports a status that disagrees with the platform, and a rotation that never reached it', () => {
    const stale = { ...healthy(), resources: [resource('web', 'Support', 'pw-2')] };
    expect(kinds(stale)).toEqual(['spec-mismatch']);
    const observation = healthy();
    observation.objects[0]!.status.platformName = 'Support 2';
    expect(kinds(observation)).toEqual(['status-mismatch']);
  });

  it('reports a resource that is not Ready, and one still there after its deletion', () => {
    const observation = healthy();
    observation.objects[0]!.status.conditions = [{ type: 'Ready', status: 'False', reason: 'PlatformError' }];
    expect(kinds(observation)).toEqual(['not-converged']);
    observation.resources[0]!.deleting = true;
    expect(kinds(observation)).toEqual(['stuck-deleting']);
  });

  it('wants Ready=False, and no integration, from a resource whose organizationRef names nothing', () => {
    const observation = { ...healthy(), resources: [{ ...resource('web', 'Support'), orgRefTypo: true }] };
    expect(kinds(observation)).toEqual(['dishonest-condition', 'dishonest-condition']);
    observation.objects[0]!.status = {
      observedGeneration: 1,
      conditions: [{ type: 'Ready', status: 'False', reason: 'OrganizationNotFound' }],
    };
    observation.platforms[0]!.integrations.length = 0;
    observation.platforms[0]!.credentials.length = 0;
    expect(checkSettled(observation)).toEqual([]);
  });

  it('reports whatever is left after the final delete, made-by-hand integrations aside', () => {
    const observation = { ...healthy(), objects: [], handMade: [{ platform: 0, id: 'h1', name: 'Billing', adopted: false }] };
    observation.platforms[0]!.integrations.push(integration('h1', 'Billing'));
    expect(checkNothingLeft(observation).map((v) => v.kind)).toEqual(['leftover', 'leftover']);
  });

  it('finds a secret value in a text and never repeats it whole', () => {
    const [leak] = secretLeaks(
      'a log line',
      ['{"msg":"Wrote credential","password":"soaksecret0123456789abcdef"}'],
      new Set(['soaksecret0123456789abcdef']),
    );
    expect(leak?.kind).toBe('secret-leak');
    expect(leak?.detail).not.toContain('soaksecret0123456789abcdef');
  });
});

function actionModel(name: string, integration: Resource, extra: Partial<ActionResource> = {}): ActionResource {
  return {
    namespace: 'ns',
    name,
    integration,
    displayName: `Soak lookup ${name}`,
    template: 0,
    contract: 0,
    deletionPolicy: 'Delete',
    deleting: false,
    integrationId: 'i1',
    ...extra,
  };
}

/** The platform action a published spec of `model` is. */
function stored(id: string, model: ActionResource, extra: Partial<StoredAction> = {}): StoredAction {
  const parts = actionSpecParts(model);
  return {
    id,
    integrationId: 'i1',
    name: model.displayName,
    category: 'Soak',
    secure: false,
    version: 2,
    contract: { input: { inputSchema: parts.contract.input }, output: { successSchema: parts.contract.output } },
    config: {
      request: { requestUrlTemplate: parts.urlTemplate, requestType: 'GET', headers: { Accept: 'application/json' } },
      response: { translationMap: { status: '$.status' }, successTemplate: parts.successTemplate },
      timeoutSeconds: 10,
    },
    ...extra,
  };
}

function actionObject(name: string, uid: string, status: Json): Json {
  return {
    kind: 'DataAction',
    metadata: { namespace: 'ns', name, uid, generation: 1 },
    status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }], integrationId: 'i1', ...status },
  };
}

/** The healthy resource `web` with one DataAction `a1` Ready on its published action x1. */
function withAction(): Observation & { actions: ActionResource[]; platformActions: StoredAction[][]; actionObjects: Json[] } {
  const base = healthy();
  const model = actionModel('a1', base.resources[0]!, { actionId: 'x1', version: 2 });
  return {
    ...base,
    actions: [model],
    actionObjects: [actionObject('a1', 'ua1', { actionId: 'x1', version: 2, platformName: model.displayName })],
    platformActions: [[stored('x1', model)]],
  };
}

describe('the soak invariants of DataActions', () => {
  it('finds nothing wrong with a DataAction Ready on its published action', () => {
    expect(checkSettled(withAction())).toEqual([]);
  });

  it('reports a second platform action for one DataAction (a create made twice)', () => {
    const observation = withAction();
    const model = observation.actions[0]!;
    observation.platformActions[0]!.push(stored('x2', model, { name: `${model.displayName} (creating ua1)` }));
    expect(kinds(observation).sort()).toEqual(['duplicate-action', 'orphan-action']);
  });

  it('reports an action nobody owns on an integration the operator made, but not one left by Orphan or made by hand', () => {
    const observation = withAction();
    const gone = actionModel('a2', observation.resources[0]!, { deletionPolicy: 'Orphan', deleting: true, actionId: 'x2' });
    observation.platformActions[0]!.push(stored('x2', gone), stored('x3', actionModel('a3', observation.resources[0]!)));
    expect(kinds(observation)).toEqual(['orphan-action', 'orphan-action']);
    observation.actions.push(gone);
    expect(kinds(observation)).toEqual(['orphan-action']);
    expect(kinds({ ...observation, handActions: new Set(['x3']) })).toEqual([]);
  });

  it('reports an action left by a DataAction deleted with Delete, and one gone that Orphan should have left', () => {
    const observation = withAction();
    observation.actions[0]!.deleting = true;
    observation.actionObjects.length = 0;
    expect(kinds(observation).sort()).toEqual(['action-left-behind', 'orphan-action']);
    const orphan = withAction();
    orphan.actions[0] = { ...orphan.actions[0]!, deletionPolicy: 'Orphan', deleting: true };
    orphan.actionObjects.length = 0;
    expect(checkSettled(orphan)).toEqual([]);
    orphan.platformActions[0]!.length = 0;
    expect(kinds(orphan)).toEqual(['orphaned-action-gone']);
  });

  it('lets an integration wait for its DataActions, and reports it gone while one is still there', () => {
    const observation = withAction();
    observation.resources[0]!.deleting = true;
    observation.objects[0]!.metadata.deletionTimestamp = '2026-11-29T20:00:00Z';
    expect(checkSettled(observation)).toEqual([]);
    expect(kinds({ ...observation, objects: [] })).toContain('deleted-under-actions');
  });

  it('reports a DataAction not Ready while its integration is, a template not published, and a change without a new version', () => {
    const observation = withAction();
    observation.actionObjects[0]!.status.conditions = [{ type: 'Ready', status: 'False', reason: 'Creating' }];
    expect(kinds(observation)).toEqual(['action-not-converged']);
    const stale = withAction();
    stale.actions[0]!.template = 1;
    expect(kinds(stale)).toEqual(['action-spec-mismatch']);
    const unpublished = withAction();
    unpublished.actions[0]!.versionAbove = 2;
    expect(kinds(unpublished)).toEqual(['action-spec-mismatch']);
  });

  it('reports a DataAction still there after the final delete', () => {
    const observation = { ...withAction(), objects: [] };
    observation.platforms[0]!.integrations.length = 0;
    observation.platforms[0]!.credentials.length = 0;
    expect(checkNothingLeft(observation).map((v) => v.detail)).toEqual(['DataAction ns/a1 is still there after the final delete']);
  });
});
