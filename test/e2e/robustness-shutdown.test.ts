// Graceful shutdown, as Kubernetes asks for it (SIGTERM on a rollout or a drained node): the operator stops
// taking work, lets the reconciles in flight finish, so no create is left unrecorded, and exits 0 within
// seconds. The next operator then picks up where it left off without a duplicate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANNOTATIONS } from '../../src/api/group.ts';
import { createTestNamespace } from '../testbed/namespace.ts';
import {
  apply,
  condition,
  leaks,
  listObjects,
  logRecords,
  platformCalls,
  probePortOf,
  probeStatus,
  startOperator,
  startPlatform,
  stopAllOperators,
  waitFor,
  webServicesIntegration,
  type Json,
  type OperatorProcess,
  type Platform,
} from './harness.ts';

const CREATE = 'POST /api/v2/integrations';
const CREATE_LATENCY_MS = 2_500;
const NAMES = ['orders', 'invoices', 'refunds'];
const passwordOf = (name: string): string => `${name}-shutdown-password-7c21`;

describe('SIGTERM while reconciles are in flight', () => {
  let platform: Platform;
  let namespace: string;
  let first: OperatorProcess;
  let second: OperatorProcess;

  beforeAll(async () => {
    platform = await startPlatform();
    namespace = await createTestNamespace('shutdown');
    first = startOperator({ namespaces: [namespace] });
  });

  afterAll(async () => {
    await stopAllOperators();
    await platform.emulator.close();
  });

  it('answers /readyz once its caches have synced', async () => {
    const port = await probePortOf(first);
    await waitFor('/readyz 200', async () => (await probeStatus(port, '/readyz')) === 200, 30_000, 100);
    expect(await probeStatus(port, '/healthz')).toBe(200);
  });

  it('finishes the creates in flight, records their ids and exits 0', async () => {
    platform.emulator.control.addFault({ route: CREATE, kind: 'latency', latencyMs: CREATE_LATENCY_MS });
    await apply(namespace, [
      ...platform.organization(),
      ...NAMES.flatMap((name) => webServicesIntegration(name, { password: passwordOf(name) })),
    ]);
    await waitFor('a create call in flight', () => Promise.resolve((platform.emulator.control.faults()[0]?.hits ?? 0) >= 1), 60_000, 10);
    expect(platformCalls(platform, CREATE)).toBe(0);

    const signalledAt = Date.now();
    const code = await first.stop('SIGTERM');
    const exitMs = Date.now() - signalledAt;
    process.stdout.write(`e2e: SIGTERM with creates in flight: exited ${String(code)} after ${exitMs} ms\n`);
    expect(code).toBe(0);
    // How long the drain takes is a figure (npm run bench prints "SIGTERM to exit"); here, that it drains.
    expect(logRecords(first).some((r) => r.msg === 'Stopping: draining reconciles in flight')).toBe(true);
    expect(logRecords(first).filter((r) => (r.level as number) >= 50)).toEqual([]);

    // Drained, not abandoned: every create that was sent was answered and its id recorded.
    const created = platformCalls(platform, CREATE);
    expect(created).toBeGreaterThanOrEqual(1);
    expect(platform.emulator.control.calls().byRoute[CREATE]?.byStatus['dropped']).toBeUndefined();
    const items = await listObjects(namespace, 'dataactionintegrations');
    const recorded = items.filter((i) => i.metadata.annotations?.[ANNOTATIONS.integrationId] !== undefined);
    expect(recorded).toHaveLength(created);
    expect(items.filter((i) => i.metadata.annotations?.[ANNOTATIONS.createPending] !== undefined)).toEqual([]);
    expect(
      platform.emulator.control
        .state()
        .integrations.map((i) => i.id)
        .sort(),
    ).toEqual(recorded.map((i) => i.metadata.annotations[ANNOTATIONS.integrationId] as string).sort());
  });

  it('lets the next operator finish the rest without a duplicate', async () => {
    platform.emulator.control.clearFaults();
    second = startOperator({ namespaces: [namespace] });
    const ready = await waitFor(
      'every resource Ready',
      async () => {
        const items = await listObjects(namespace, 'dataactionintegrations');
        return items.length === NAMES.length && items.every((i) => condition(i, 'Ready')?.status === 'True') ? items : undefined;
      },
      90_000,
    );
    expect(platformCalls(platform, CREATE)).toBe(NAMES.length);
    expect(
      platform.emulator.control
        .state()
        .integrations.map((i) => i.id)
        .sort(),
    ).toEqual(ready.map((i: Json) => i.status.integrationId as string).sort());
  });

  it("leaves no secret value in either process's log", () => {
    expect(leaks([...first.lines, ...second.lines], [...NAMES.map(passwordOf), 'emulator-secret'])).toEqual([]);
  });
});
