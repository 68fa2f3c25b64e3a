// The life of an integration, end to end: turned off and on, adopted, held back by the install limit,
// and deleted under each deletion policy (DESIGN.md §2, "Rules of behaviour").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace } from '../testbed/namespace.ts';
import {
  apply,
  condition,
  countCalls,
  getObject,
  integrationManifest,
  kubectl,
  leaks,
  listEvents,
  secretManifest,
  startOperator,
  startPlatform,
  stopAllOperators,
  storedIntegrationOf,
  userVisibleTexts,
  waitFor,
  waitForCondition,
  waitForEvent,
  withRequestsPerMinute,
  type Json,
  type OperatorProcess,
  type Platform,
} from './harness.ts';

const INTEGRATION_POST = 'POST /api/v2/integrations';
const BASIC_AUTH = { userName: 'svc-orders', password: 'pw-lifecycle-3c9e71f0' };
const ZENDESK = { email: 'agent@example.com', baseUrl: 'https://acme.zendesk.com', apiToken: 'zd-token-lifecycle-a61f' };
const SECRET_VALUES = ['emulator-secret', BASIC_AUTH.password, ZENDESK.apiToken];

const webService = (name: string, spec: Json = {}, annotations?: Record<string, string>): Json =>
  integrationManifest(
    name,
    { type: 'WebServices', webServices: { credentialType: 'BasicAuth' }, credentials: { secretRef: { name: 'basic-creds' } }, ...spec },
    annotations,
  );
const zendesk = (name: string): Json =>
  integrationManifest(name, { type: 'Zendesk', credentials: { secretRef: { name: 'zendesk-creds' } } });

async function patchSpec(namespace: string, name: string, spec: Json): Promise<void> {
  await kubectl(['patch', 'dai', name, '-n', namespace, '--type', 'merge', '-p', JSON.stringify({ spec })]);
}

/** Ready=True for the current generation, with the platform state `state`. */
async function waitForReadyIn(namespace: string, name: string, state: string): Promise<Json> {
  return waitFor(`${namespace}/${name} Ready in state ${state}`, async () => {
    const o = await getObject(namespace, 'dai', name);
    const ready = condition(o, 'Ready');
    return ready?.status === 'True' && ready.observedGeneration === o?.metadata.generation && o?.status.state === state ? o : undefined;
  });
}

describe('the life of an integration', () => {
  let platform: Platform;
  let operator: OperatorProcess;
  let namespace: string;

  beforeAll(async () => {
    // One Zendesk integration at most, to meet the install limit without making ten.
    platform = await startPlatform({ requestsPerMinute: 3000, installLimits: { Zendesk: 1 } });
    namespace = await createTestNamespace('scenarios-lifecycle');
    operator = startOperator({ namespaces: [namespace] });
    await apply(namespace, [
      ...withRequestsPerMinute(platform.organization(), 3000),
      secretManifest('basic-creds', BASIC_AUTH),
      secretManifest('zendesk-creds', ZENDESK),
    ]);
  });

  afterAll(async () => {
    await stopAllOperators();
    await platform.emulator.close();
  });

  it('deactivates the integration when active is false, and activates it again when true', async () => {
    await apply(namespace, [webService('switch', { displayName: 'Switch' })]);
    const active = await waitForReadyIn(namespace, 'switch', 'ACTIVE');
    expect(storedIntegrationOf(platform.emulator, active)?.reportedState).toBe('ACTIVE');

    await patchSpec(namespace, 'switch', { active: false });
    const inactive = await waitForReadyIn(namespace, 'switch', 'INACTIVE');
    expect(condition(inactive, 'Ready')).toMatchObject({ reason: 'Available', message: 'The integration is Inactive on the platform' });
    expect(storedIntegrationOf(platform.emulator, inactive)).toMatchObject({ intendedState: 'DISABLED', reportedState: 'INACTIVE' });
    expect(await kubectl(['get', 'dai', 'switch', '-n', namespace])).toMatch(/INACTIVE\s+True\s+True/);
    await waitForEvent(namespace, 'switch', 'Deactivating');

    await patchSpec(namespace, 'switch', { active: true });
    const again = await waitForReadyIn(namespace, 'switch', 'ACTIVE');
    expect(again.status.integrationId).toBe(active.status.integrationId);
    expect(storedIntegrationOf(platform.emulator, again)).toMatchObject({ intendedState: 'ENABLED', reportedState: 'ACTIVE' });
    await waitForEvent(namespace, 'switch', 'Activating');
  });

  it('adopts an integration named by the annotation, making it carry the spec, without creating another', async () => {
    const seeded = platform.emulator.control.seedIntegration({
      type: 'WebServices',
      name: 'Orders (hand made)',
      notes: 'Made in the admin UI',
      state: 'INACTIVE',
    });
    const id = seeded.id as string;
    const createsBefore = countCalls(platform.emulator, [INTEGRATION_POST]);
    const countBefore = platform.emulator.control.state().integrations.length;

    await apply(namespace, [
      webService('adopted', { displayName: 'Adopted Orders', notes: 'Order lookups.' }, { 'dataactions.dev/integration-id': id }),
    ]);
    const adopted = await waitForReadyIn(namespace, 'adopted', 'ACTIVE');
    expect(adopted.status).toMatchObject({ integrationId: id, platformName: 'Adopted Orders', state: 'ACTIVE' });

    const stored = storedIntegrationOf(platform.emulator, adopted);
    expect(stored?.name).toBe('Adopted Orders');
    expect(stored?.notes).toMatch(/^Order lookups\.\n\nManaged by dataaction-operator from DataActionIntegration /);
    expect(stored?.reportedState).toBe('ACTIVE');
    expect(Object.values(stored?.credentials ?? {})).toEqual([adopted.status.credentialId]);
    const credential = platform.emulator.control.state().credentials.find((c) => c.id === adopted.status.credentialId);
    expect(credential?.fields).toMatchObject({ userName: BASIC_AUTH.userName, password: BASIC_AUTH.password });

    expect(countCalls(platform.emulator, [INTEGRATION_POST])).toBe(createsBefore);
    expect(platform.emulator.control.state().integrations).toHaveLength(countBefore);
  });

  it('holds a resource past the install limit as QuotaExceeded, creating nothing, until room is made', async () => {
    await apply(namespace, [zendesk('zendesk-first')]);
    const first = await waitForCondition(namespace, 'zendesk-first', 'Ready', 'True');
    const createsBefore = countCalls(platform.emulator, [INTEGRATION_POST]);

    await apply(namespace, [zendesk('zendesk-second')]);
    const held = await waitForCondition(namespace, 'zendesk-second', 'Synced', 'False', 'QuotaExceeded');
    expect(condition(held, 'Ready')).toMatchObject({ status: 'False', reason: 'QuotaExceeded' });
    expect(condition(held, 'Synced')?.message).toContain('1 of at most 1');
    const warning = await waitForEvent(namespace, 'zendesk-second', 'QuotaExceeded');
    expect(warning.type).toBe('Warning');
    expect(countCalls(platform.emulator, [INTEGRATION_POST])).toBe(createsBefore);
    expect(platform.emulator.control.state().integrations.filter((i) => i.typeId === first.status.integrationTypeId)).toHaveLength(1);

    await kubectl(['delete', 'dai', 'zendesk-first', '-n', namespace, '--wait=false']);
    const second = await waitForCondition(namespace, 'zendesk-second', 'Ready', 'True', undefined, 30_000);
    expect(second.status.integrationId).not.toBe(first.status.integrationId);
    expect(countCalls(platform.emulator, [INTEGRATION_POST])).toBe(createsBefore + 1);
  });

  it.each([
    { policy: 'Delete', remains: false, reason: 'Deleted' },
    { policy: 'Orphan', remains: true, reason: 'Orphaned' },
  ])(
    'with deletionPolicy $policy, deleting the resource leaves the integration on the platform: $remains',
    async ({ policy, remains, reason }) => {
      const name = `policy-${policy.toLowerCase()}`;
      await apply(namespace, [webService(name, { deletionPolicy: policy })]);
      const ready = await waitForCondition(namespace, name, 'Ready', 'True');
      const { integrationId, credentialId } = ready.status as { integrationId: string; credentialId: string };

      await kubectl(['delete', 'dai', name, '-n', namespace, '--wait=false']);
      await waitFor(`${name} gone from the cluster`, async () => (await getObject(namespace, 'dai', name)) === undefined);

      const state = platform.emulator.control.state();
      expect(state.integrations.some((i) => i.id === integrationId && i.deletedAt === undefined)).toBe(remains);
      expect(state.credentials.some((c) => c.id === credentialId)).toBe(remains);
      const event = await waitForEvent(namespace, name, reason);
      expect(event.message).toContain(integrationId);
      expect((await listEvents(namespace, name)).filter((e) => e.type === 'Warning')).toEqual([]);
    },
  );

  it('leaves no secret value in logs, Events or status', async () => {
    expect(leaks(operator.lines, SECRET_VALUES)).toEqual([]);
    expect(leaks(await userVisibleTexts(namespace), SECRET_VALUES)).toEqual([]);
  });
});
