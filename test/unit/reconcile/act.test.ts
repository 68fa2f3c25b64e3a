// act through fakes: it carries out a plan against the emulator and the fake writer. Each scenario names
// the plan, what must be written (to the resource and the platform), and why.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANNOTATIONS, FINALIZER } from '../../../src/api/index.ts';
import { act, type ActOutcome } from '../../../src/reconcile/act.ts';
import type { Action } from '../../../src/reconcile/model.ts';
import { observeIntegration, type ObservedContext } from '../../../src/reconcile/observe.ts';
import { integration, organization, READY_ORG_STATUS, startHarness, writeError, type Harness, type Write } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  organization(h, { status: READY_ORG_STATUS });
});
afterEach(async () => {
  await h.close();
});

async function contextFor(over: Parameters<typeof integration>[1] = {}): Promise<ObservedContext> {
  const observed = await observeIntegration(h.deps, integration(h, over));
  if (!observed.ok) throw new Error(observed.message);
  return observed.context;
}

/** An integration on the emulator that the resource records, with a credential of its own linked. */
async function recorded(): Promise<{ context: ObservedContext; id: string; credentialId: string }> {
  const id = String(h.emulator.control.seedIntegration({ type: 'Zendesk', name: 'Zendesk Support' })['id']);
  const context = await contextFor({ annotations: { [ANNOTATIONS.integrationId]: id }, finalizers: [FINALIZER] });
  const client = context.session!.client;
  const credentialId = (await client.createCredential({ name: 'old', typeName: 'zendeskApiToken', fields: fields() })).id;
  return { context, id, credentialId };
}

const annotationWrites = (op: Write['op']): Write['annotations'][] =>
  h.integrationWriter.writes.filter((w) => w.op === op).map((w) => w.annotations);

interface Scenario {
  readonly name: string;
  readonly reason: string;
  readonly run: () => Promise<ActOutcome>;
  readonly then: (outcome: ActOutcome) => void;
}

const scenarios: Scenario[] = [
  {
    name: 'a create records the id unguarded and clears the pending mark',
    reason: 'the id is what keeps the next pass from creating twice, so no unrelated change may refuse its write',
    run: async () => act(h.deps, await contextFor(), [{ type: 'addFinalizer' }, { type: 'markCreatePending' }, marker()]),
    then: (outcome) => {
      const [made] = h.emulator.state.integrations.keys();
      expect(outcome.error).toBeUndefined();
      expect(outcome.status.integrationId).toBe(made);
      expect(h.integrationWriter.ops()).toEqual(['addFinalizer', 'annotate', 'writeStatus', 'annotateUnguarded']);
      expect(Object.keys(annotationWrites('annotate')[0] ?? {})).toEqual([ANNOTATIONS.createPending]);
      expect(annotationWrites('annotateUnguarded')).toEqual([
        { [ANNOTATIONS.integrationId]: made, [ANNOTATIONS.createPending]: null, [ANNOTATIONS.integrationMissingSince]: null },
      ]);
      expect(outcome.events.map((e) => e.reason)).toEqual(['Created']);
    },
  },
  {
    name: 'a create refused clears the pending mark',
    reason: 'a refusal proves nothing was made, so the next pass need not wait out the grace period',
    run: async () => {
      h.emulator.control.addFault({ route: 'POST /api/v2/integrations', kind: 'status', status: 400, times: 1 });
      return act(h.deps, await contextFor(), [{ type: 'markCreatePending' }, marker()]);
    },
    then: (outcome) => {
      expect(outcome.error).toMatchObject({ code: 'Invalid' });
      expect(annotationWrites('annotateUnguarded')).toEqual([{ [ANNOTATIONS.createPending]: null }]);
      expect(h.emulator.state.integrations.size).toBe(0);
    },
  },
  {
    name: 'a create of unknown outcome keeps the pending mark, restarted',
    reason: 'the integration may exist, so the next pass looks for its marker before creating again',
    run: async () => {
      h.emulator.control.addFault({ route: 'POST /api/v2/integrations', kind: 'commitThenDrop', times: 1 });
      return act(h.deps, await contextFor(), [{ type: 'markCreatePending' }, marker()]);
    },
    then: (outcome) => {
      expect(outcome.error).toMatchObject({ code: 'UnknownOutcome' });
      const [restart] = annotationWrites('annotateUnguarded');
      expect(restart?.[ANNOTATIONS.createPending]).toEqual(expect.any(String));
      expect(h.emulator.state.integrations.size).toBe(1);
    },
  },
  {
    name: 'a conflict stops the actions',
    reason: 'the guarded pending mark lost to another writer, so nothing may be created in this pass',
    run: async () => {
      h.integrationWriter.failures.set('annotate', writeError('KubeConflict'));
      return act(h.deps, await contextFor(), [{ type: 'markCreatePending' }, marker()]);
    },
    then: (outcome) => {
      expect(outcome.error).toMatchObject({ code: 'KubeConflict' });
      expect(h.emulator.state.integrations.size).toBe(0);
      expect(h.integrationWriter.writes).toEqual([]);
    },
  },
  {
    name: 'a credential replaced deletes the old one once the new one is linked',
    reason: 'nothing is left unlinked, and no credential of the resource outlives its use',
    run: async () => {
      const { context, id, credentialId } = await recorded();
      return act(h.deps, context, [
        { type: 'writeCredential', credentialId: undefined, typeName: 'zendeskApiToken', fields: fields(), revision: 'rev-2' },
        { type: 'configure', integrationId: id, name: undefined, notes: undefined, properties: undefined, link: link(undefined) },
        { type: 'deleteCredential', id: credentialId },
      ]);
    },
    then: (outcome) => {
      const credentials = [...h.emulator.state.credentials.keys()];
      expect(outcome.error).toBeUndefined();
      expect(credentials).toEqual([outcome.status.credentialId]);
      const [stored] = h.emulator.state.integrations.values();
      expect(JSON.stringify(stored)).toContain(String(outcome.status.credentialId));
      expect(outcome.status.credentialsRevision).toBe('rev-2');
      expect(h.integrationWriter.ops()).toEqual(['writeStatus', 'annotateUnguarded']);
    },
  },
  {
    name: 'a name another resource of the same real org claims in its status is not chosen, and the choice is claimed first',
    reason: 'after a crash the platform listing may lag behind the names just set, but the claims kept in etcd do not',
    run: async () => {
      const { context, id } = await recorded();
      const organizationId = await context.session!.organizationId();
      organization(h, { status: { ...READY_ORG_STATUS, organizationId } });
      integration(h, { name: 'other', status: { platformName: 'Zendesk Support' } });
      integration(h, { name: 'leaving', deletionTimestamp: '2026-11-29T00:00:00Z', status: { platformName: 'Zendesk Support 2' } });
      const name = { base: 'Zendesk Support', prefer: 'Zendesk Support' };
      return act(h.deps, context, [
        { type: 'configure', integrationId: id, name, notes: undefined, properties: undefined, link: undefined },
      ]);
    },
    then: (outcome) => {
      expect(outcome.error).toBeUndefined();
      expect(outcome.status.platformName).toBe('Zendesk Support 2');
      const [stored] = h.emulator.state.integrations.values();
      expect(JSON.stringify(stored)).toContain('"Zendesk Support 2"');
      expect(h.integrationWriter.writes.filter((w) => w.op === 'writeStatus').map((w) => w.status)).toEqual([
        { platformName: 'Zendesk Support 2' },
      ]);
      expect(outcome.events.map((e) => e.reason)).toEqual(['NameChosen']);
    },
  },
  {
    name: 'a delete of what is already gone counts as done',
    reason: 'a 404 on delete is the state wanted, so the finalizer still goes',
    run: async () => {
      const context = await contextFor({ finalizers: [FINALIZER], deletionTimestamp: '2026-11-24T09:59:00Z' });
      return act(h.deps, context, [
        { type: 'deleteIntegration', id: 'gone-1' },
        { type: 'deleteCredential', id: 'gone-2' },
        { type: 'removeFinalizer' },
      ]);
    },
    then: (outcome) => {
      expect(outcome.error).toBeUndefined();
      expect(outcome.released).toBe(true);
      expect(h.integrationWriter.ops()).toEqual(['removeFinalizer']);
    },
  },
  {
    name: 'a found credential is recorded and its pending mark cleared',
    reason: 'a credential create whose answer was lost is taken over by its UID-bearing name instead of made twice',
    run: async () => {
      const { id, credentialId } = await recorded();
      const context = await contextFor({
        annotations: { [ANNOTATIONS.integrationId]: id, [ANNOTATIONS.credentialCreatePending]: '2026-11-24T09:58:00Z' },
        finalizers: [FINALIZER],
      });
      return act(h.deps, context, [
        { type: 'writeCredential', credentialId, typeName: 'zendeskApiToken', fields: fields(), revision: 'rev-1' },
      ]);
    },
    then: (outcome) => {
      expect(outcome.error).toBeUndefined();
      expect(h.integrationWriter.writes.map((w) => [w.op, w.status ?? w.annotations])).toEqual([
        ['writeStatus', { credentialId: outcome.status.credentialId }],
        ['annotateUnguarded', { [ANNOTATIONS.credentialCreatePending]: null }],
      ]);
    },
  },
];

function marker(): Action {
  return { type: 'createIntegration', typeId: 'zendesk-data-actions', markerName: 'Zendesk Support (creating uid-zendesk)' };
}
function fields(): Record<string, string> {
  return { userEmail: 'agent@example.com', baseUrl: 'https://acme.zendesk.com', apiToken: 'token-1' };
}
function link(credentialId: string | undefined): { slot: string; credentialId: string | undefined } {
  return { slot: 'zendeskApiToken', credentialId };
}

describe('act', () => {
  it.each(scenarios)('$name: $reason', async ({ run, then }) => {
    then(await run());
  });
});
