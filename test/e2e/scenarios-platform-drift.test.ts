// Drift, end to end: what a person changes by hand in the admin UI is reverted at the next resync, with an
// Event saying so; at steady state a resync writes nothing (DESIGN.md §2, "Drift").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrationEdit, StateSnapshot } from '../emulator/index.ts';
import { NOT_FOUND_GRACE_MS } from '../../src/reconcile/decide.ts';
import { createTestNamespace } from '../testbed/namespace.ts';
import {
  apply,
  condition,
  countPlatformWrites,
  getObject,
  integrationManifest,
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
  withRequestsPerMinute,
  type Json,
  type OperatorProcess,
  type Platform,
} from './harness.ts';

const BASIC_AUTH = { userName: 'svc-drift', password: 'pw-drift-9e04b6d2' };
const SECRET_VALUES = ['emulator-secret', BASIC_AUTH.password];
/** Longer than two resync periods (5 s, ±10 %). */
const TWO_RESYNCS_MS = 11_500;

type Stored = StateSnapshot['integrations'][number];

describe('drift made by hand on the platform', () => {
  let platform: Platform;
  let operator: OperatorProcess;
  let namespace: string;
  let resource: Json;

  beforeAll(async () => {
    platform = await startPlatform({ requestsPerMinute: 3000 });
    namespace = await createTestNamespace('scenarios-drift');
    operator = startOperator({ namespaces: [namespace] });
    await apply(namespace, [
      ...withRequestsPerMinute(platform.organization(), 3000),
      secretManifest('drift-creds', BASIC_AUTH),
      integrationManifest('orders', {
        type: 'WebServices',
        displayName: 'Orders',
        notes: 'Order lookups.',
        webServices: { credentialType: 'BasicAuth', clientCertificateAuthority: 'GenesysCloud' },
        credentials: { secretRef: { name: 'drift-creds' } },
      }),
    ]);
    resource = await waitForCondition(namespace, 'orders', 'Ready', 'True');
  });

  afterAll(async () => {
    await stopAllOperators();
    await platform.emulator.close();
  });

  const stored = (): Stored => {
    const found = storedIntegrationOf(platform.emulator, resource);
    if (found === undefined) throw new Error('the integration is gone from the platform');
    return found;
  };

  const cases: Array<{ what: string; edit: IntegrationEdit; reverted: (s: Stored, status: Json) => boolean }> = [
    {
      what: 'name',
      edit: { name: 'Orders (renamed by hand)' },
      reverted: (s, status) => s.name === 'Orders' && status.platformName === 'Orders',
    },
    {
      what: 'notes',
      edit: { notes: 'Edited by hand' },
      reverted: (s) => s.notes.startsWith('Order lookups.\n\nManaged by dataaction-operator'),
    },
    { what: 'state', edit: { state: 'INACTIVE' }, reverted: (s) => s.intendedState === 'ENABLED' && s.reportedState === 'ACTIVE' },
    {
      what: 'credentials link',
      edit: { unlinkCredentials: true },
      reverted: (s, status) => Object.values(s.credentials).includes(status.credentialId as string),
    },
    {
      what: 'properties',
      edit: { properties: { clientCertificateAuthority: 'DigiCert' } },
      reverted: (s) => s.properties['clientCertificateAuthority'] === 'Genesys Cloud',
    },
  ];

  it.each(cases)('reverts a hand-made change to the $what at the next resync and says so', async ({ what, edit, reverted }) => {
    const before = stored();
    platform.emulator.control.editIntegration(before.id, edit);
    expect(reverted(stored(), resource.status)).toBe(false);

    const editedAt = Date.now();
    const after = await waitFor(
      `the ${what} reverted`,
      async () => {
        const o = await getObject(namespace, 'dai', 'orders');
        return o !== undefined && reverted(stored(), o.status) && condition(o, 'Ready')?.status === 'True' ? o : undefined;
      },
      20_000,
    );
    process.stdout.write(`e2e: a hand-made change to the ${what} was reverted in ${((Date.now() - editedAt) / 1000).toFixed(1)} s\n`);
    expect(after.status.integrationId).toBe(before.id);
    expect(after.status.credentialId).toBe(resource.status.credentialId);

    const event = await waitFor(`a DriftReverted Event naming the ${what}`, async () =>
      (await listEvents(namespace, 'orders')).find((e) => e.reason === 'DriftReverted' && (e.message as string).endsWith(` ${what}`)),
    );
    expect(event).toMatchObject({ type: 'Normal', message: `Reverted changes made on the platform to the ${what}` });
  });

  it('writes the credential anew and links it when the credential was deleted by hand', async () => {
    const gone = resource.status.credentialId as string;
    platform.emulator.control.deleteCredential(gone);

    const after = await waitFor(
      'a new credential linked',
      async () => {
        const o = await getObject(namespace, 'dai', 'orders');
        const id = o?.status?.credentialId as string | undefined;
        return id !== undefined &&
          id !== gone &&
          Object.values(stored().credentials).includes(id) &&
          condition(o, 'Ready')?.status === 'True'
          ? o
          : undefined;
      },
      // A 404 for its credential is believed only once it lasts the grace period (reads may lag a write).
      NOT_FOUND_GRACE_MS + 20_000,
    );
    const credentials = platform.emulator.control.state().credentials;
    expect(credentials.map((c) => c.id)).toEqual([after.status.credentialId]);
    expect(credentials[0]?.fields).toEqual(BASIC_AUTH);
    const event = await waitFor('a DriftReverted Event naming the credential', async () =>
      (await listEvents(namespace, 'orders')).find((e) => e.reason === 'DriftReverted' && (e.message as string).endsWith(' credential')),
    );
    expect(event.type).toBe('Normal');
    resource = after;
  });

  it('makes no write at steady state over two resyncs', async () => {
    await waitForCondition(namespace, 'orders', 'Ready', 'True');
    const writes = countPlatformWrites(platform.emulator);
    await new Promise((r) => setTimeout(r, TWO_RESYNCS_MS));
    expect(countPlatformWrites(platform.emulator)).toBe(writes);
    expect(platform.emulator.control.state().integrations).toHaveLength(1);
    expect(platform.emulator.control.state().credentials).toHaveLength(1);
  });

  it('leaves no secret value in logs, Events or status', async () => {
    expect(leaks(operator.lines, SECRET_VALUES)).toEqual([]);
    expect(leaks(await userVisibleTexts(namespace), SECRET_VALUES)).toEqual([]);
  });
});
