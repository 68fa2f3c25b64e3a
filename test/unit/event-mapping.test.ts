// Which change in the cluster sends which resources to which controller, one named scenario at a time.
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, FINALIZER, type DataActionIntegrationObject, type OrganizationObject } from '../../src/api/index.ts';
import {
  mapEventsToKeys,
  needsReconcile,
  organizationReadinessChanged,
  refersToCredentialsSecret,
  refersToOAuthSecret,
  refersToOrganization,
} from '../../src/event-mapping.ts';
import type { Priority } from '../../src/lib/priority.ts';
import { FakeInformer } from './fake-informer.ts';

const meta = (name: string, namespace = 'team-a', extra: Record<string, unknown> = {}) => ({ name, namespace, generation: 1, ...extra });

function integration(name: string, org: string, secret?: string, namespace = 'team-a'): DataActionIntegrationObject {
  return {
    metadata: meta(name, namespace),
    spec: {
      organizationRef: { name: org },
      type: 'Zendesk',
      ...(secret === undefined ? {} : { credentials: { secretRef: { name: secret } } }),
    },
  } as DataActionIntegrationObject;
}

function organization(name: string, secret: string, ready?: 'True' | 'False', namespace = 'team-a'): OrganizationObject {
  const conditions = ready === undefined ? [] : [{ type: 'Ready', status: ready, reason: 'X', message: '', lastTransitionTime: '' }];
  return {
    metadata: meta(name, namespace),
    spec: { region: 'eu-west-1', oauthClientSecretRef: { name: secret } },
    status: { conditions },
  } as OrganizationObject;
}

const secret = (name: string, resourceVersion = '1', namespace = 'team-a'): KubernetesObject => ({
  metadata: { name, namespace, resourceVersion },
});

function world() {
  const integrations = new FakeInformer<DataActionIntegrationObject>([
    integration('zendesk', 'prod', 'zendesk-creds'),
    integration('salesforce', 'prod', 'salesforce-creds'),
    integration('lambda', 'staging', 'zendesk-creds'),
    integration('zendesk', 'prod', 'zendesk-creds', 'team-b'),
  ]);
  const organizations = new FakeInformer<OrganizationObject>([
    organization('prod', 'prod-oauth'),
    organization('staging', 'staging-oauth'),
    organization('prod', 'prod-oauth', undefined, 'team-b'),
  ]);
  const secrets = new FakeInformer<KubernetesObject>();
  const keys: string[] = [];
  const queue = (kind: string) => ({
    enqueue: (ns: string | undefined, name: string | undefined, priority: Priority) => keys.push(`${kind} ${ns}/${name} ${priority}`),
  });
  const forgotten: string[] = [];
  const started = { value: true };
  mapEventsToKeys({
    beforeStart: () => !started.value,
    integrations,
    organizations,
    secrets,
    integrationQueue: queue('dai'),
    organizationQueue: queue('org'),
    onSecretDeleted: (s) => forgotten.push(s.metadata?.name ?? ''),
  });
  return { integrations, organizations, secrets, keys, forgotten, started };
}

type World = ReturnType<typeof world>;

/** Plays `fire` as part of the initial listing, before the controllers start. */
const listing = (fire: (w: World) => void) => (w: World) => {
  w.started.value = false;
  fire(w);
};

describe('event mapping', () => {
  it.each([
    {
      scenario: 'an integration from the initial listing is queued as initial, with its organization',
      fire: listing((w) => w.integrations.add(integration('zendesk', 'prod'))),
      keys: ['dai team-a/zendesk initial', 'org team-a/prod initial'],
    },
    {
      scenario: 'an integration applied while the operator runs is new work, and its organization updates inUseBy',
      fire: (w: World) => w.integrations.add(integration('new', 'prod')),
      keys: ['dai team-a/new new', 'org team-a/prod new'],
    },
    {
      scenario: 'a spec change of an integration is a change',
      fire: (w: World) =>
        w.integrations.update(integration('zendesk', 'prod'), {
          ...integration('zendesk', 'prod'),
          metadata: meta('zendesk', 'team-a', { generation: 2 }),
        }),
      keys: ['dai team-a/zendesk change'],
    },
    {
      scenario: 'a deleted integration is looked at once more, and its organization may release its finalizer',
      fire: (w: World) => w.integrations.delete(integration('zendesk', 'prod')),
      keys: ['dai team-a/zendesk change', 'org team-a/prod new'],
    },
    {
      scenario: 'an organization from the initial listing brings its integrations as initial',
      fire: listing((w) => w.organizations.add(organization('prod', 'prod-oauth'))),
      keys: ['org team-a/prod initial', 'dai team-a/zendesk initial', 'dai team-a/salesforce initial'],
    },
    {
      scenario: 'a new organization brings along the integrations that wait for it, in its namespace only',
      fire: (w: World) => w.organizations.add(organization('prod', 'prod-oauth')),
      keys: ['org team-a/prod new', 'dai team-a/zendesk new', 'dai team-a/salesforce new'],
    },
    {
      scenario: 'a rotated credentials Secret sends every integration using it as a change, in its namespace only',
      fire: (w: World) => w.secrets.update(secret('zendesk-creds', '1'), secret('zendesk-creds', '2')),
      keys: ['dai team-a/zendesk change', 'dai team-a/lambda change'],
    },
    {
      scenario: 'a rotated OAuth Secret sends its organization as a change and its integrations as new work',
      fire: (w: World) => w.secrets.update(secret('staging-oauth', '1'), secret('staging-oauth', '2')),
      keys: ['org team-a/staging change', 'dai team-a/lambda new'],
    },
    {
      scenario: 'a Secret created after the listing is a change for the integrations waiting for it',
      fire: (w: World) => w.secrets.add(secret('salesforce-creds')),
      keys: ['dai team-a/salesforce change'],
    },
    {
      scenario: 'a Secret from the initial listing sends its integrations as initial',
      fire: listing((w) => w.secrets.add(secret('salesforce-creds'))),
      keys: ['dai team-a/salesforce initial'],
    },
    {
      scenario: 'a Secret resent by a relist with the same resourceVersion sends nothing',
      fire: (w: World) => w.secrets.update(secret('zendesk-creds', '1'), secret('zendesk-creds', '1')),
      keys: [],
    },
    {
      scenario: 'a Secret nobody references sends nothing',
      fire: (w: World) => w.secrets.add(secret('unrelated')),
      keys: [],
    },
    {
      scenario: 'a status-only update of an integration (the operator’s own write) sends nothing',
      fire: (w: World) =>
        w.integrations.update(integration('zendesk', 'prod'), { ...integration('zendesk', 'prod'), status: { state: 'ACTIVE' } }),
      keys: [],
    },
    {
      scenario: 'an organization turning Ready tells its waiting integrations as new work, not itself',
      fire: (w: World) => w.organizations.update(organization('prod', 'prod-oauth', 'False'), organization('prod', 'prod-oauth', 'True')),
      keys: ['dai team-a/zendesk new', 'dai team-a/salesforce new'],
    },
  ])('$scenario', ({ fire, keys }) => {
    const w = world();
    fire(w);
    expect(w.keys).toEqual(keys);
  });

  it('drops the cached data of a deleted Secret and tells its users', () => {
    const w = world();
    w.secrets.delete(secret('prod-oauth'));
    expect(w.forgotten).toEqual(['prod-oauth']);
    expect(w.keys).toEqual(['org team-a/prod change', 'dai team-a/zendesk new', 'dai team-a/salesforce new']);
  });
});

describe('predicates', () => {
  const dai = integration('zendesk', 'prod', 'zendesk-creds');
  it.each([
    {
      scenario: 'an integration refers to the organization it names',
      got: refersToOrganization(organization('prod', 'x'))(dai),
      want: true,
    },
    {
      scenario: 'an integration does not refer to another organization',
      got: refersToOrganization(organization('staging', 'x'))(dai),
      want: false,
    },
    {
      scenario: 'an integration refers to its credentials Secret',
      got: refersToCredentialsSecret(secret('zendesk-creds'))(dai),
      want: true,
    },
    {
      scenario: 'an integration without credentials refers to no Secret',
      got: refersToCredentialsSecret(secret('zendesk-creds'))(integration('ws', 'prod')),
      want: false,
    },
    {
      scenario: 'an organization refers to its OAuth Secret',
      got: refersToOAuthSecret(secret('prod-oauth'))(organization('prod', 'prod-oauth')),
      want: true,
    },
    {
      scenario: 'a spec change needs a reconcile',
      got: needsReconcile(dai, { ...dai, metadata: meta('zendesk', 'team-a', { generation: 2 }) }),
      want: true,
    },
    {
      scenario: 'a new annotation (adoption) needs a reconcile',
      got: needsReconcile(dai, { ...dai, metadata: meta('zendesk', 'team-a', { annotations: { a: 'b' } }) }),
      want: true,
    },
    {
      scenario: 'a deletion timestamp needs a reconcile',
      got: needsReconcile(dai, { ...dai, metadata: meta('zendesk', 'team-a', { deletionTimestamp: new Date(0) }) }),
      want: true,
    },
    {
      scenario: "the operator's own create-pending mark needs no second look: the reconcile that wrote it goes on",
      got: needsReconcile(dai, { ...dai, metadata: meta('zendesk', 'team-a', { annotations: { [ANNOTATIONS.createPending]: 't' } }) }),
      want: false,
    },
    {
      scenario: 'the id annotation the operator writes after its status records that id needs no second look',
      got: needsReconcile(dai, {
        ...dai,
        metadata: meta('zendesk', 'team-a', { annotations: { [ANNOTATIONS.integrationId]: 'i-1' } }),
        status: { integrationId: 'i-1' },
      } as DataActionIntegrationObject),
      want: false,
    },
    {
      scenario: 'an id annotation a user sets to adopt another integration needs a reconcile',
      got: needsReconcile(
        { ...dai, status: { integrationId: 'i-1' } } as DataActionIntegrationObject,
        {
          ...dai,
          metadata: meta('zendesk', 'team-a', { annotations: { [ANNOTATIONS.integrationId]: 'i-2' } }),
          status: { integrationId: 'i-1' },
        } as DataActionIntegrationObject,
      ),
      want: true,
    },
    {
      scenario: 'an own mark changing beside a user annotation still needs a reconcile',
      got: needsReconcile(dai, {
        ...dai,
        metadata: meta('zendesk', 'team-a', { annotations: { [ANNOTATIONS.createPending]: 't', team: 'billing' } }),
      }),
      want: true,
    },
    {
      scenario: 'the finalizer the operator adds before a first create needs no second look',
      got: needsReconcile(dai, { ...dai, metadata: meta('zendesk', 'team-a', { finalizers: [FINALIZER] }) }),
      want: false,
    },
    {
      scenario: 'a finalizer removed by hand needs a reconcile',
      got: needsReconcile({ ...dai, metadata: meta('zendesk', 'team-a', { finalizers: [FINALIZER] }) }, dai),
      want: true,
    },
    {
      scenario: 'a status-only change needs no reconcile',
      got: needsReconcile(dai, { ...dai, status: { platformName: 'Zendesk' } } as DataActionIntegrationObject),
      want: false,
    },
    {
      scenario: 'an organization whose Ready flips changed readiness',
      got: organizationReadinessChanged(organization('prod', 'x', 'True'), organization('prod', 'x', 'False')),
      want: true,
    },
    {
      scenario: 'an organization whose Ready holds did not change readiness',
      got: organizationReadinessChanged(organization('prod', 'x', 'True'), organization('prod', 'x', 'True')),
      want: false,
    },
  ])('$scenario', ({ got, want }) => {
    expect(got).toBe(want);
  });
});
