// The soak's checks on hand-made observations: each invariant reports what breaks it and nothing else.
import { describe, expect, it } from 'vitest';
import type { StateSnapshot } from '../emulator/index.ts';
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
