// observe through fakes: the caches, the Secret store and the emulator as the platform. Each scenario
// says what the reconciler would see, and why.
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANNOTATIONS, FINALIZER } from '../../../src/api/index.ts';
import type { Observation } from '../../../src/reconcile/model.ts';
import { creationMarkerName } from '../../../src/reconcile/names.ts';
import { desiredNotes } from '../../../src/reconcile/notes.ts';
import { observeIntegration } from '../../../src/reconcile/observe.ts';
import { integration, NAMESPACE, organization, READY_ORG_STATUS, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

interface Scenario {
  readonly name: string;
  readonly reason: string;
  readonly given: (h: Harness) => KubernetesObject;
  readonly then: (observation: Observation, h: Harness) => void;
}

const readyOrg = (h: Harness): KubernetesObject => organization(h, { status: READY_ORG_STATUS });
const seed = (h: Harness, seed: { name: string; notes?: string }): string =>
  String(h.emulator.control.seedIntegration({ type: 'Zendesk', ...seed })['id']);

const scenarios: Scenario[] = [
  {
    name: 'organization missing',
    reason: 'without its organization nothing on the platform can be read, so the platform is not looked at',
    given: (h) => integration(h),
    then: (o) => {
      expect(o.blocker).toMatchObject({ reason: 'OrganizationNotReady', allowsDeletion: false });
      expect(o.blocker?.message).toContain('was not found');
      expect(o.platform).toEqual({ kind: 'skipped' });
    },
  },
  {
    name: 'organization not Ready',
    reason: "the organization's own reason is passed on, so a person sees why",
    given: (h) => {
      organization(h, {
        status: {
          conditions: [
            { type: 'Ready', status: 'False', reason: 'Unauthorized', message: 'refused', lastTransitionTime: '2026-11-24T09:00:00Z' },
          ],
        },
      });
      return integration(h);
    },
    then: (o) => {
      expect(o.blocker).toMatchObject({ reason: 'OrganizationNotReady', message: expect.stringContaining('Unauthorized: refused') });
    },
  },
  {
    name: 'Secret missing',
    reason: 'a missing credentials Secret blocks the sync but not a deletion',
    given: (h) => {
      readyOrg(h);
      return integration(h, { secret: null });
    },
    then: (o) => {
      expect(o.blocker).toMatchObject({ reason: 'SecretNotFound', allowsDeletion: true });
      expect(o.desired).toBeUndefined();
      expect(o.platform).toEqual({ kind: 'skipped' });
    },
  },
  {
    name: 'Secret key malformed',
    reason: "the type's Secret schema names the key at fault, never its value",
    given: (h) => {
      readyOrg(h);
      return integration(h, { secret: { email: 'agent@example.com', baseUrl: 'http://elsewhere.example', apiToken: 'token-1' } });
    },
    then: (o) => {
      expect(o.blocker).toMatchObject({ reason: 'InvalidCredentials', allowsDeletion: true });
      expect(o.blocker?.message).toContain('baseUrl');
      expect(o.blocker?.message).not.toContain('token-1');
    },
  },
  {
    name: 'nothing recorded',
    reason: "with no id known, the integrations of the type are searched for the resource's marker and counted",
    given: (h) => {
      readyOrg(h);
      seed(h, { name: 'Someone else' });
      return integration(h);
    },
    then: (o) => {
      expect(o.blocker).toBeUndefined();
      expect(o.desired).toMatchObject({ baseName: 'Zendesk Support', typeId: 'zendesk-data-actions' });
      expect(o.platform).toEqual({ kind: 'searched', markerMatch: undefined, used: 1 });
    },
  },
  {
    name: 'marker found',
    reason: 'a create whose answer was lost left an integration named with the UID, which is found instead of creating twice',
    given: (h) => {
      readyOrg(h);
      seed(h, { name: creationMarkerName('Zendesk Support', 'uid-zendesk') });
      return integration(h);
    },
    then: (o, h) => {
      const [made] = h.emulator.state.integrations.keys();
      expect(o.platform).toEqual({ kind: 'searched', markerMatch: made, used: 1 });
    },
  },
  {
    name: 'recorded id found',
    reason: 'the annotated id is read with its config, the basis of every drift check',
    given: (h) => {
      readyOrg(h);
      const id = seed(h, { name: 'Zendesk Support', notes: 'hand-written' });
      return integration(h, { annotations: { [ANNOTATIONS.integrationId]: id }, finalizers: [FINALIZER] });
    },
    then: (o) => {
      expect(o.platform).toMatchObject({
        kind: 'found',
        integration: { typeId: 'zendesk-data-actions', claimedBy: undefined, config: { name: 'Zendesk Support', notes: 'hand-written' } },
      });
    },
  },
  {
    name: '404 of a recorded id',
    reason: 'an id the operator recorded that answers 404 is reported missing (decide waits out the grace), with the marker searched',
    given: (h) => {
      readyOrg(h);
      return integration(h, {
        annotations: { [ANNOTATIONS.integrationId]: 'gone-1', [ANNOTATIONS.integrationMissingSince]: '2026-11-24T09:59:30Z' },
        finalizers: [FINALIZER],
        status: { integrationId: 'gone-1' },
      });
    },
    then: (o) => {
      expect(o.platform).toEqual({ kind: 'missing', id: 'gone-1', markerMatch: undefined });
      expect(o.resource.integrationMissingSince).toBe(Date.parse('2026-11-24T09:59:30Z'));
    },
  },
  {
    name: 'adopted id of another resource',
    reason: 'an integration whose notes say another live resource manages it is reported as claimed, so it is never taken over',
    given: (h) => {
      readyOrg(h);
      integration(h, { name: 'first' });
      const notes = desiredNotes(undefined, { namespace: NAMESPACE, name: 'first', uid: 'uid-first' });
      const id = seed(h, { name: 'First', notes });
      return integration(h, { annotations: { [ANNOTATIONS.integrationId]: id } });
    },
    then: (o) => {
      expect(o.platform).toMatchObject({ kind: 'found', integration: { claimedBy: `${NAMESPACE}/first` } });
    },
  },
  {
    name: 'deleting with no organization',
    reason: 'a deletion without an organization and without a session this process holds cannot reach the platform',
    given: (h) =>
      integration(h, { finalizers: [FINALIZER], deletionTimestamp: '2026-11-24T09:59:00Z', status: { integrationId: 'int-1' } }),
    then: (o) => {
      expect(o.resource.deleting).toBe(true);
      expect(o.blocker).toMatchObject({ reason: 'OrganizationNotReady', allowsDeletion: false });
    },
  },
];

describe('observe', () => {
  it.each(scenarios)('$name: $reason', async ({ given, then }) => {
    const observed = await observeIntegration(h.deps, given(h));
    expect(observed.ok).toBe(true);
    if (observed.ok) then(observed.observation, h);
  });

  it('reports a resource that does not match its schema, naming the field', async () => {
    const object = integration(h, { spec: { type: 'NoSuchType' } });
    const observed = await observeIntegration(h.deps, object);
    expect(observed).toMatchObject({ ok: false, message: expect.stringContaining('spec.type') });
  });

  it('changes nothing', async () => {
    readyOrg(h);
    await observeIntegration(h.deps, integration(h));
    expect(h.integrationWriter.writes).toEqual([]);
    expect(h.organizationWriter.writes).toEqual([]);
    expect(h.emulator.state.integrations.size).toBe(0);
    expect(h.emulator.state.credentials.size).toBe(0);
  });
});
