// The GenesysCloudOrganization: what its status says when it cannot reach the platform, how integrations
// wait for it, and that it stays while integrations still use it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace } from '../testbed/namespace.ts';
import {
  apply,
  condition,
  getObject,
  kubectl,
  leaks,
  listEvents,
  startOperator,
  startPlatform,
  stopAllOperators,
  userVisibleTexts,
  waitFor,
  waitForCondition,
  waitForEvent,
  webServicesIntegration,
  type Json,
  type OperatorProcess,
  type Platform,
} from './harness.ts';

const WRONG_SECRET = 'wrong-oauth-secret-3c9e71';

describe('organizations', () => {
  let platform: Platform;
  let operator: OperatorProcess;
  let namespace: string;

  const organizationReady = (name: string, status: string, reason: string): Promise<Json> =>
    waitFor(`${name} Ready=${status} (${reason})`, async () => {
      const org = await getObject(namespace, 'genesyscloudorganization', name);
      const ready = condition(org, 'Ready');
      return ready?.status === status && ready.reason === reason ? org : undefined;
    });

  /** An organization pointing at the emulator, with its OAuth Secret. */
  const organization = (
    name: string,
    spec: Json = {},
    oauth: Record<string, string> = { clientId: 'emulator-client', clientSecret: 'emulator-secret' },
  ): Json[] => [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${name}-oauth` }, stringData: oauth },
    {
      apiVersion: 'dataactions.dev/v1alpha1',
      kind: 'GenesysCloudOrganization',
      metadata: { name },
      spec: {
        region: 'us-east-1',
        oauthClientSecretRef: { name: `${name}-oauth` },
        endpoints: { apiBaseUrl: platform.emulator.baseUrl, loginBaseUrl: platform.emulator.baseUrl },
        requestsPerMinute: 3000,
        ...spec,
      },
    },
  ];

  beforeAll(async () => {
    platform = await startPlatform({ requestsPerMinute: 3000 });
    namespace = await createTestNamespace('scenarios-organization');
    operator = startOperator({ namespaces: [namespace] });
  });

  afterAll(async () => {
    await stopAllOperators();
    await platform.emulator.close();
  });

  it('names a missing OAuth Secret', async () => {
    await apply(namespace, [organization('no-secret')[1]!]);
    const org = await organizationReady('no-secret', 'False', 'SecretNotFound');
    expect(condition(org, 'Ready')?.message).toContain('"no-secret-oauth"');
  });

  it('reports a client the platform refuses as Unauthorized, without the secret', async () => {
    await apply(namespace, organization('refused', {}, { clientId: 'emulator-client', clientSecret: WRONG_SECRET }));
    const org = await organizationReady('refused', 'False', 'Unauthorized');
    expect(JSON.stringify(org.status)).not.toContain(WRONG_SECRET);
  });

  it('warns with an Event when the platform refuses the client', async () => {
    const event = await waitForEvent(namespace, 'refused', 'Unauthorized');
    expect(event.type).toBe('Warning');
    expect(JSON.stringify(event)).not.toContain(WRONG_SECRET);
  });

  it('refuses endpoints on a host the operator was not started to allow, before sending anything there', async () => {
    await apply(
      namespace,
      organization('elsewhere', {
        endpoints: { apiBaseUrl: 'https://api.attacker.example', loginBaseUrl: 'https://login.attacker.example' },
      }),
    );
    const org = await organizationReady('elsewhere', 'False', 'EndpointNotAllowed');
    expect(condition(org, 'Ready')?.message).toContain('api.attacker.example');
    expect(condition(org, 'Ready')?.message).toContain('--allowed-endpoint-hosts');
  });

  it('makes an integration wait for its organization, and proceeds once the organization is Ready', async () => {
    await apply(namespace, webServicesIntegration('early', { organization: 'late' }));
    const waiting = await waitForCondition(namespace, 'early', 'Synced', 'False', 'OrganizationNotReady');
    expect(condition(waiting, 'Synced')?.message).toContain('"late"');
    expect(platform.emulator.control.state().integrations).toEqual([]);

    await apply(namespace, organization('late'));
    const ready = await waitForCondition(namespace, 'early', 'Ready', 'True');
    expect(ready.status.state).toBe('ACTIVE');
    const org = await organizationReady('late', 'True', 'Connected');
    expect(org.status.organizationName).toBe('Emulated Organization');
    expect(org.status.inUseBy).toEqual(['early']);
  });

  it('warns once that an integration waits for a missing organization, adds no finalizer, and lets it go at once', async () => {
    await apply(namespace, webServicesIntegration('typo', { organization: 'no-such-org' }));
    await waitForCondition(namespace, 'typo', 'Synced', 'False', 'OrganizationNotReady');
    const warning = await waitForEvent(namespace, 'typo', 'OrganizationNotReady');
    expect(warning.type).toBe('Warning');
    // Long enough for a second reconcile (its own status write, a requeue) to have told it again.
    await new Promise((r) => setTimeout(r, 3_000));
    const warnings = (await listEvents(namespace, 'typo')).filter((e) => e.reason === 'OrganizationNotReady');
    expect(warnings.map((e) => (e.series?.count as number | undefined) ?? 1)).toEqual([1]);
    expect((await getObject(namespace, 'dai', 'typo'))?.metadata.finalizers).toBeUndefined();

    await kubectl(['delete', 'dai', 'typo', '-n', namespace, '--timeout=20s']);
    expect(await getObject(namespace, 'dai', 'typo')).toBeUndefined();
  });

  it('deletes an integration whose organization lost its OAuth Secret first, with the session already open', async () => {
    await apply(namespace, [...organization('pruned'), ...webServicesIntegration('pruned-orders', { organization: 'pruned' })]);
    const ready = await waitForCondition(namespace, 'pruned-orders', 'Ready', 'True');
    const integrationId = ready.status.integrationId as string;

    // As a namespace deletion or an Argo CD prune does: the Secret goes before the integration.
    await kubectl(['delete', 'secret', 'pruned-oauth', '-n', namespace]);
    await organizationReady('pruned', 'False', 'SecretNotFound');
    await kubectl(['delete', 'dai', 'pruned-orders', '-n', namespace, '--wait=false']);
    await waitFor('the integration resource to go', async () => (await getObject(namespace, 'dai', 'pruned-orders')) === undefined, 30_000);
    const stored = platform.emulator.control.state().integrations.find((i) => i.id === integrationId);
    expect(stored === undefined || stored.deletedAt !== undefined).toBe(true);
    expect(platform.emulator.control.state().credentials.find((c) => c.id === ready.status.credentialId)).toBeUndefined();
  });

  it('stays while integrations use it, says which, and goes once they are gone', async () => {
    await kubectl(['delete', 'genesyscloudorganization', 'late', '-n', namespace, '--wait=false']);
    const held = await waitFor('the organization held by its finalizer', async () => {
      const org = await getObject(namespace, 'genesyscloudorganization', 'late');
      return org?.metadata?.deletionTimestamp !== undefined ? org : undefined;
    });
    expect(held.metadata.finalizers).toContain('dataactions.dev/finalizer');
    expect(held.status.inUseBy).toEqual(['early']);
    const event = await waitForEvent(namespace, 'late', 'InUse');
    expect(event.type).toBe('Warning');
    expect(event.message).toContain('early');

    // The integration can still be deleted through it, from the platform too.
    const integrationId = (await getObject(namespace, 'dataactionintegration', 'early'))?.status?.integrationId as string;
    await kubectl(['delete', 'dataactionintegration', 'early', '-n', namespace, '--wait=false']);
    await waitFor(
      'the organization to go',
      async () => (await getObject(namespace, 'genesyscloudorganization', 'late')) === undefined,
      60_000,
    );
    expect(await getObject(namespace, 'dataactionintegration', 'early')).toBeUndefined();
    const stored = platform.emulator.control.state().integrations.find((i) => i.id === integrationId);
    expect(stored === undefined || stored.deletedAt !== undefined).toBe(true);
  });

  it('leaves no secret value in logs, Events or status', async () => {
    const values = ['emulator-secret', WRONG_SECRET, 'early-password-value'];
    const orgStatuses = await kubectl(['get', 'genesyscloudorganizations', '-n', namespace, '-o', 'json']);
    expect(leaks(operator.lines, values)).toEqual([]);
    expect(leaks([...(await userVisibleTexts(namespace)), orgStatuses, JSON.stringify(await listEvents(namespace))], values)).toEqual([]);
  });
});
