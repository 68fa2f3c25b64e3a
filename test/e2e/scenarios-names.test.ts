// Names on the platform, end to end: the operator picks a unique name, keeps it until displayName
// changes, and says so when it had to differ from what was asked (DESIGN.md §2, "Unique names").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace } from '../testbed/namespace.ts';
import {
  apply,
  countCalls,
  getObject,
  integrationManifest,
  kubectl,
  leaks,
  listEvents,
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

const CONFIG_PUT = 'PUT /api/v2/integrations/{id}/config/current';
/** Longer than one resync period (5 s, ±10 %). */
const ONE_RESYNC_MS = 6_000;

const webService = (name: string, displayName: string): Json =>
  integrationManifest(name, { type: 'WebServices', displayName, webServices: { credentialType: 'None' } });

describe('names on the platform', () => {
  let platform: Platform;
  let operator: OperatorProcess;
  let namespace: string;

  beforeAll(async () => {
    platform = await startPlatform({ requestsPerMinute: 3000 });
    namespace = await createTestNamespace('scenarios-names');
    operator = startOperator({ namespaces: [namespace] });
    await apply(namespace, withRequestsPerMinute(platform.organization(), 3000));
  });

  afterAll(async () => {
    await stopAllOperators();
    await platform.emulator.close();
  });

  it('renames the integration when displayName changes, and keeps the name across resyncs otherwise', async () => {
    await apply(namespace, [webService('orders', 'Orders API')]);
    const first = await waitForCondition(namespace, 'orders', 'Ready', 'True');
    expect(first.status.platformName).toBe('Orders API');
    expect(storedIntegrationOf(platform.emulator, first)?.name).toBe('Orders API');

    const writesBefore = countCalls(platform.emulator, [CONFIG_PUT]);
    await new Promise((r) => setTimeout(r, ONE_RESYNC_MS));
    const resynced = await getObject(namespace, 'dai', 'orders');
    expect(resynced?.status.platformName).toBe('Orders API');
    expect(storedIntegrationOf(platform.emulator, resynced)?.name).toBe('Orders API');
    expect(countCalls(platform.emulator, [CONFIG_PUT])).toBe(writesBefore);

    await kubectl([
      'patch',
      'dai',
      'orders',
      '-n',
      namespace,
      '--type',
      'merge',
      '-p',
      JSON.stringify({ spec: { displayName: 'Orders API v2' } }),
    ]);
    const renamed = await waitFor('orders renamed and Ready', async () => {
      const o = await getObject(namespace, 'dai', 'orders');
      const ready = o?.status?.conditions?.find((c: Json) => c.type === 'Ready');
      return o?.status?.platformName === 'Orders API v2' && ready?.status === 'True' && ready.observedGeneration === o.metadata.generation
        ? o
        : undefined;
    });
    expect(renamed.status.integrationId).toBe(first.status.integrationId);
    expect(storedIntegrationOf(platform.emulator, renamed)?.name).toBe('Orders API v2');
    // The old name is gone from the platform: no second integration was made for the new one.
    expect(platform.emulator.control.state().integrations.filter((i) => i.name.startsWith('Orders API'))).toHaveLength(1);
  });

  it('gives two resources asking for the same displayName different names, and says why on the second', async () => {
    await apply(namespace, [webService('billing-a', 'Billing'), webService('billing-b', 'Billing')]);
    const [a, b] = await Promise.all([
      waitForCondition(namespace, 'billing-a', 'Ready', 'True'),
      waitForCondition(namespace, 'billing-b', 'Ready', 'True'),
    ]);
    expect([a.status.platformName, b.status.platformName].sort()).toEqual(['Billing', 'Billing 2']);
    // The operator wrote only status and metadata: nothing for Argo CD to see as a diff in spec.
    expect([a.metadata.generation, b.metadata.generation]).toEqual([1, 1]);
    const suffixed = a.status.platformName === 'Billing 2' ? a : b;
    const plain = suffixed === a ? b : a;

    const event = await waitForEvent(namespace, suffixed.metadata.name, 'NameChosen');
    expect(event.type).toBe('Normal');
    expect(event.message).toContain('"Billing 2"');
    expect(event.message).toContain('"Billing" is carried by another integration');
    expect((await listEvents(namespace, plain.metadata.name)).map((e) => e.reason)).not.toContain('NameChosen');

    const onPlatform = platform.emulator.control.state().integrations.filter((i) => i.name === 'Billing' || i.name === 'Billing 2');
    expect(onPlatform.map((i) => i.id).sort()).toEqual([a.status.integrationId, b.status.integrationId].sort());
    const table = await kubectl(['get', 'dai', suffixed.metadata.name, '-n', namespace]);
    expect(table).toContain('Billing 2');
  });

  it('steps around a name held by an integration nobody manages, leaving that one untouched', async () => {
    const seeded = platform.emulator.control.seedIntegration({
      type: 'WebServices',
      name: 'Legacy CRM',
      notes: 'Made by hand in the admin UI',
      state: 'ACTIVE',
    });
    const before = platform.emulator.control.state().integrations.find((i) => i.id === seeded.id);

    await apply(namespace, [webService('crm', 'Legacy CRM')]);
    const crm = await waitForCondition(namespace, 'crm', 'Ready', 'True');
    expect(crm.status.platformName).toBe('Legacy CRM 2');
    expect(crm.status.integrationId).not.toBe(seeded.id);
    const event = await waitForEvent(namespace, 'crm', 'NameChosen');
    expect(event.message).toContain('"Legacy CRM 2"');

    const after = platform.emulator.control.state().integrations.find((i) => i.id === seeded.id);
    expect(after).toEqual(before);
  });

  it('leaves no secret value in logs, Events or status', async () => {
    const values = ['emulator-secret'];
    expect(leaks(operator.lines, values)).toEqual([]);
    expect(leaks(await userVisibleTexts(namespace), values)).toEqual([]);
  });
});
