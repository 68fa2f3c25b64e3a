// Never a duplicate: the operator is killed (SIGKILL, no chance to clean up) between the create call and
// recording the id it returned. The next operator must find the integration by the marker it carries and
// adopt it, or wait while it may still appear, and never create a second one.
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS } from '../../src/api/group.ts';
import type { FaultSpec } from '../emulator/index.ts';
import { createTestNamespace } from '../testbed/namespace.ts';
import {
  apply,
  condition,
  getObject,
  platformCalls,
  startOperator,
  waitFor,
  waitForCondition,
  useCrashFixture,
  webServicesIntegration,
  type Platform,
} from './harness.ts';

const CREATE = 'POST /api/v2/integrations';
const LIST = 'GET /api/v2/integrations';
const PASSWORD = 'crash-test-password-6f1d2c';

describe('a crash between the create call and recording its id', () => {
  const { operators, crashDuring } = useCrashFixture([PASSWORD, 'emulator-secret']);

  /** Starts an operator on a fresh namespace, applies one integration, and returns once `crashPoint` says the create is under way. */
  const crashDuringCreate = (options: { listLagMs?: number; fault: FaultSpec; crashPoint: (p: Platform) => boolean }) =>
    crashDuring({
      what: 'the create call to reach the platform',
      platform: options.listLagMs === undefined ? {} : { listLagMs: options.listLagMs },
      namespacePrefix: 'crash',
      manifests: (started) => [...started.organization(), ...webServicesIntegration('orders', { password: PASSWORD })],
      fault: options.fault,
      crashPoint: options.crashPoint,
      timeoutMs: 60_000,
    });

  it('adopts the integration whose create answer never arrived, with exactly one create call', async () => {
    const { namespace, platform: p } = await crashDuringCreate({
      fault: { route: CREATE, kind: 'commitThenDrop', times: 1 },
      crashPoint: (pl) => platformCalls(pl, CREATE) >= 1,
    });
    const crashed = await getObject(namespace, 'dai', 'orders');
    // The crash hit the window the rule is about: a create was pending and no id was recorded.
    expect(crashed?.metadata.annotations?.[ANNOTATIONS.createPending]).toBeDefined();
    expect(crashed?.metadata.annotations?.[ANNOTATIONS.integrationId]).toBeUndefined();
    expect(p.emulator.control.state().integrations).toHaveLength(1);

    operators.push(startOperator({ namespaces: [namespace] }));
    const ready = await waitForCondition(namespace, 'orders', 'Ready', 'True');

    expect(platformCalls(p, CREATE)).toBe(1);
    const stored = p.emulator.control.state().integrations;
    expect(stored).toHaveLength(1);
    expect(stored[0]?.id).toBe(ready.status.integrationId);
    expect(stored[0]?.name).toBe('orders');
    expect(ready.metadata.annotations[ANNOTATIONS.integrationId]).toBe(ready.status.integrationId);
    expect(ready.metadata.annotations[ANNOTATIONS.createPending]).toBeUndefined();
  });

  it('creates once when killed while a slow create call is in flight', async () => {
    const { namespace, platform: p } = await crashDuringCreate({
      fault: { route: CREATE, kind: 'latency', latencyMs: 3_000 },
      // The fault counts a hit when the call arrives; the call is counted only once it is answered.
      crashPoint: (pl) => (pl.emulator.control.faults()[0]?.hits ?? 0) >= 1,
    });
    expect(platformCalls(p, CREATE)).toBe(0);
    p.emulator.control.clearFaults();

    operators.push(startOperator({ namespaces: [namespace] }));
    const ready = await waitForCondition(namespace, 'orders', 'Ready', 'True');

    expect(platformCalls(p, CREATE)).toBe(1);
    // Whether the killed operator's call committed or not, the platform holds one integration: this one.
    expect(p.emulator.control.state().integrations.map((i) => i.id)).toEqual([ready.status.integrationId]);
  });

  it('waits with CreateIncomplete while the created integration is not yet listed, then adopts it', async () => {
    const listLagMs = 12_000;
    const { namespace, platform: p } = await crashDuringCreate({
      listLagMs,
      fault: { route: CREATE, kind: 'commitThenDrop', times: 1 },
      crashPoint: (pl) => platformCalls(pl, CREATE) >= 1,
    });
    const committedAt = Date.now();
    const listsBeforeRestart = platformCalls(p, LIST);

    operators.push(startOperator({ namespaces: [namespace] }));
    // The new operator has searched the list (where the integration is still missing) and says it is waiting.
    const waiting = await waitFor('CreateIncomplete from the restarted operator', async () => {
      if (platformCalls(p, LIST) <= listsBeforeRestart) return undefined;
      const object = await getObject(namespace, 'dai', 'orders');
      return condition(object, 'Synced')?.reason === 'CreateIncomplete' ? object : undefined;
    });
    expect(Date.now() - committedAt).toBeLessThan(listLagMs);
    expect(condition(waiting, 'Synced')).toMatchObject({ status: 'False', reason: 'CreateIncomplete' });
    expect(condition(waiting, 'Ready')?.status).not.toBe('True');
    expect(platformCalls(p, CREATE)).toBe(1);

    const ready = await waitForCondition(namespace, 'orders', 'Ready', 'True', undefined, 90_000);
    expect(Date.now() - committedAt).toBeGreaterThanOrEqual(listLagMs);
    expect(platformCalls(p, CREATE)).toBe(1);
    const stored = p.emulator.control.state().integrations;
    expect(stored.map((i) => i.id)).toEqual([ready.status.integrationId]);
  });
});

// Reads right after a write may lag: a GET by id that answers 404 just after the create must not be taken
// as "deleted by hand" (the listing lags too, so a marker search would not find it either).
describe('a 404 on the integration right after its create', () => {
  const fixture = useCrashFixture([PASSWORD, 'emulator-secret']);

  it('keeps the recorded id through the 404s and creates exactly once', async () => {
    const p = await fixture.platform({ listLagMs: 12_000 });
    const namespace = await createTestNamespace('lagging-read');
    p.emulator.control.addFault({ route: 'GET /api/v2/integrations/{id}', kind: 'status', status: 404, times: 3 });
    fixture.operators.push(startOperator({ namespaces: [namespace] }));
    await apply(namespace, [...p.organization(), ...webServicesIntegration('orders', { password: PASSWORD })]);

    const ready = await waitForCondition(namespace, 'orders', 'Ready', 'True', undefined, 90_000);
    expect(p.emulator.control.faults()).toEqual([]);
    expect(platformCalls(p, CREATE)).toBe(1);
    expect(p.emulator.control.state().integrations.map((i) => i.id)).toEqual([ready.status.integrationId]);
    expect(ready.metadata.annotations[ANNOTATIONS.integrationId]).toBe(ready.status.integrationId);
    expect(ready.metadata.annotations[ANNOTATIONS.integrationMissingSince]).toBeUndefined();
  });
});

// A credential create whose answer is lost must not leave a credential (holding secret values) behind.
describe('a credential create whose answer never arrived', () => {
  const fixture = useCrashFixture([PASSWORD, 'emulator-secret']);

  it('finds the credential by its name and links it, leaving no orphan and sending one create', async () => {
    const p = await fixture.platform({});
    const namespace = await createTestNamespace('lost-credential');
    const credentialCreate = 'POST /api/v2/integrations/credentials';
    p.emulator.control.addFault({ route: credentialCreate, kind: 'commitThenDrop', times: 1 });
    fixture.operators.push(startOperator({ namespaces: [namespace] }));
    await apply(namespace, [...p.organization(), ...webServicesIntegration('orders', { password: PASSWORD })]);

    const ready = await waitForCondition(namespace, 'orders', 'Ready', 'True', undefined, 90_000);
    expect(p.emulator.control.faults()).toEqual([]);
    expect(platformCalls(p, credentialCreate)).toBe(1);
    expect(p.emulator.control.state().credentials.map((c) => c.id)).toEqual([ready.status.credentialId]);
    expect(ready.metadata.annotations[ANNOTATIONS.credentialCreatePending]).toBeUndefined();
  });
});
