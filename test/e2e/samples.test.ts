import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace } from '../testbed/namespace.ts';
import {
  apply,
  condition,
  kubectl,
  leaks,
  listObjects,
  samples,
  sampleSecretValues,
  startOperator,
  startPlatform,
  stopAllOperators,
  waitFor,
  type Json,
  type OperatorProcess,
  type Platform,
} from './harness.ts';

describe('the samples, end to end', () => {
  let platform: Platform;
  let operator: OperatorProcess;
  let namespace: string;

  beforeAll(async () => {
    platform = await startPlatform();
    namespace = await createTestNamespace('samples');
    operator = startOperator({ namespaces: [namespace] });
  });

  afterAll(async () => {
    await stopAllOperators();
    await platform.emulator.close();
  });

  it('brings every sample type to Ready on the platform', async () => {
    // The samples' organization points at a real region; here it points at the emulator instead.
    const integrations = samples()
      .filter((s) => s.file !== 'organization.yaml')
      .flatMap((s) => s.objects);
    const started = Date.now();
    await apply(namespace, [...platform.organization('example-org'), ...integrations]);
    const names = integrations.filter((o) => o.kind === 'DataActionIntegration').map((o) => o.metadata.name as string);
    const ready = await waitFor(
      'every sample Ready',
      async () => {
        const items = await listObjects(namespace, 'dataactionintegrations');
        return items.length === names.length && items.every((i) => condition(i, 'Ready')?.status === 'True') ? items : undefined;
      },
      90_000,
      200,
    ).catch(async (error: unknown) => {
      // Say which resources did not get there, and why, before failing.
      const items = await listObjects(namespace, 'dataactionintegrations');
      const stuck = items
        .filter((i) => condition(i, 'Ready')?.status !== 'True')
        .map((i) => `${i.metadata.name}: ${JSON.stringify(i.status?.conditions ?? [])}`);
      throw new Error(`${String(error)}\n${stuck.join('\n')}`);
    });
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`e2e: ${names.length} samples from kubectl apply to all Ready in ${seconds.toFixed(1)} s\n`);

    const stored = platform.emulator.control.state();
    const types = new Set(stored.integrations.map((i) => i.typeId));
    expect(types.size).toBe(8);
    for (const item of ready) {
      const onPlatform = stored.integrations.find((i) => i.id === item.status.integrationId);
      expect(onPlatform, item.metadata.name).toBeDefined();
      expect(onPlatform!.name).toBe(item.status.platformName);
      expect(onPlatform!.reportedState).toBe('ACTIVE');
      expect(item.status.state).toBe('ACTIVE');
      expect(item.metadata.annotations['dataactions.dev/integration-id']).toBe(item.status.integrationId);
      expect(item.metadata.finalizers).toContain('dataactions.dev/finalizer');
    }
    // Every integration that takes a credential has exactly the one the operator wrote.
    expect(stored.credentials.length).toBe(ready.filter((i) => i.status.credentialId !== undefined).length);
  });

  it('prints the designed columns in kubectl get dai', async () => {
    const table = await kubectl(['get', 'dai', '-n', namespace]);
    const header = table.split('\n')[0] ?? '';
    expect(header.split(/\s{2,}/)).toEqual(['NAME', 'TYPE', 'NAME ON PLATFORM', 'STATE', 'READY', 'SYNCED', 'AGE']);
    expect(table).toMatch(/ACTIVE\s+True\s+True/);
    const wide = await kubectl(['get', 'dai', '-n', namespace, '-o', 'wide']);
    expect(wide.split('\n')[0]).toMatch(/INTEGRATION ID\s+REASON/);
    expect(wide).toContain('Available');
  });

  it('reports the organization Ready with its usage per type', async () => {
    const org = await waitFor('organization usage', async () => {
      const [o] = await listObjects(namespace, 'genesyscloudorganizations');
      // The organization counts at its own reads of the platform: one may come while the samples are still
      // being created, so wait for the read that shows the Web services sample.
      return (o?.status?.usage as Json[] | undefined)?.some((u) => u.type === 'WebServices' && u.used > 0) === true ? o : undefined;
    });
    expect(condition(org, 'Ready')).toMatchObject({ status: 'True', reason: 'Connected' });
    expect(org.status.organizationName).toBe('Emulated Organization');
    const webServices = (org.status.usage as Json[]).find((u) => u.type === 'WebServices');
    expect(webServices).toMatchObject({ used: 1, maxInstances: 50 });
    expect((org.status.inUseBy as string[]).length).toBeGreaterThanOrEqual(8);
  });

  it('leaves no secret value in logs, Events or status', async () => {
    const values = sampleSecretValues();
    expect(values.length).toBeGreaterThan(10);
    const events = await kubectl(['get', 'events', '-n', namespace, '-o', 'json']);
    const statuses = (await listObjects(namespace, 'dataactionintegrations')).map((o) => JSON.stringify(o.status));
    expect(leaks(operator.lines, values)).toEqual([]);
    expect(leaks([events], values)).toEqual([]);
    expect(leaks(statuses, values)).toEqual([]);
  });
});
