// The org's index (one listing shared by every resource of the org, kept current by the operator's own
// writes): what it lets stand in for reads by id, and what it never trusts. First the index alone, then the
// reconciler with the emulator as the platform.
import { afterEach, describe, expect, it } from 'vitest';
import type { Integration, IntegrationConfig } from '../../../src/platform/index.ts';
import { reconcileIntegration } from '../../../src/reconcile/integration-reconciler.ts';
import { OrgIndex, type OrgListing } from '../../../src/reconcile/org-index.ts';
import { integration, NAMESPACE, NOW, organization, READY_ORG_STATUS, startHarness, type Harness } from './harness.ts';

const TYPE = 'zendesk-data-actions';

function listed(id: string, name: string, over: Partial<Integration> = {}): Integration {
  return {
    id,
    name,
    integrationType: { id: TYPE },
    intendedState: 'ENABLED',
    reportedState: { code: 'ACTIVE' },
    ...over,
  };
}

const config = (name: string, version: number): IntegrationConfig => ({
  name,
  version,
  properties: {},
  advanced: {},
  notes: '',
  credentials: {},
});

const listing = (...integrations: Integration[]): (() => Promise<OrgListing>) => {
  return () => Promise.resolve({ integrations, configs: false });
};

describe('the org index', () => {
  it('shares one listing among callers that ask at once', async () => {
    const index = new OrgIndex();
    let lists = 0;
    const list = async (): Promise<OrgListing> => {
      lists += 1;
      await new Promise((r) => setTimeout(r, 5));
      return { integrations: [listed('a', 'A')], configs: false };
    };
    await Promise.all(Array.from({ length: 5 }, () => index.ensure(NOW, () => NOW, list)));
    expect(lists).toBe(1);
    await index.ensure(NOW - 1_000, () => NOW, list);
    expect(lists).toBe(1);
  });

  it('lists again for a caller that needs a listing newer than the one in flight', async () => {
    const index = new OrgIndex();
    let lists = 0;
    let clock = NOW;
    const list = async (): Promise<OrgListing> => {
      lists += 1;
      await new Promise((r) => setTimeout(r, 5));
      return { integrations: [], configs: false };
    };
    const first = index.ensure(NOW, () => clock, list);
    clock = NOW + 10;
    await Promise.all([first, index.ensure(NOW + 10, () => clock, list)]);
    expect(lists).toBe(2);
  });

  it("never lets a listing started before the operator's own write stand in for what it wrote", async () => {
    const index = new OrgIndex();
    let release: () => void = () => undefined;
    const slow = (): Promise<OrgListing> =>
      new Promise((resolve) => {
        release = () => resolve({ integrations: [listed('a', 'Old name', { intendedState: 'DISABLED' })], configs: false });
      });
    await index.ensure(NOW, () => NOW, listing(listed('a', 'A')));
    const refreshing = index.ensure(NOW + 1, () => NOW + 1, slow);
    index.writing('a', 'integration');
    release();
    await refreshing;
    expect(index.known('a', NOW + 2, 60_000).integration).toBeUndefined();
    index.wroteIntegration(listed('a', 'A'), NOW + 3, false);
    expect(index.known('a', NOW + 4, 60_000).integration).toMatchObject({ source: 'write', value: { intendedState: 'ENABLED' } });
  });

  it('keeps what the operator wrote over an older listing, and its new name for the names taken', async () => {
    const index = new OrgIndex();
    await index.ensure(NOW, () => NOW, listing(listed('a', 'Creating')));
    index.writing('a', 'config');
    index.wroteConfig('a', config('Orders', 2), NOW + 1);
    expect(index.known('a', NOW + 1, 60_000).config).toMatchObject({ source: 'write', value: { name: 'Orders', version: 2 } });
    expect(index.names('other')).toEqual(['Orders']);
  });

  it('keeps its own create that a lagging listing does not show yet, and drops what the operator deleted', async () => {
    const index = new OrgIndex();
    index.wroteIntegration(listed('new', 'Zendesk (creating uid-1)'), NOW, true);
    await index.ensure(NOW, () => NOW + 1, listing(listed('gone', 'Deleted')));
    expect(index.countOfType(TYPE)).toBe(2);
    index.forget('gone', NOW + 2);
    await index.ensure(NOW + 3, () => NOW + 3, listing(listed('gone', 'Deleted'), listed('new', 'Zendesk (creating uid-1)')));
    expect(index.names('x')).toEqual(['Zendesk (creating uid-1)']);
    expect(index.markerOf('uid-1', TYPE)).toBe('new');
  });

  it('lets nothing older than the age asked for stand in for a read', async () => {
    const index = new OrgIndex();
    await index.ensure(NOW, () => NOW, listing(listed('a', 'A')));
    expect(index.known('a', NOW + 1_000, 1_000).integration).toBeDefined();
    expect(index.known('a', NOW + 1_001, 1_000).integration).toBeUndefined();
  });
});

// ---- The reconciler with the index, the emulator as the platform ----

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const count = (harness: Harness, route: string): number => harness.emulator.control.calls().byRoute[route]?.count ?? 0;
const LIST = 'GET /api/v2/integrations';
const GET_ONE = 'GET /api/v2/integrations/{id}';
const PUT_CONFIG = 'PUT /api/v2/integrations/{id}/config/current';
const GET_CONFIG = 'GET /api/v2/integrations/{id}/config/current';

async function settle(harness: Harness, name: string): Promise<void> {
  for (let pass = 0; pass < 12; pass += 1) {
    const result = await reconcileIntegration(harness.deps, NAMESPACE, name);
    if (result.resyncPeriodMs !== undefined) return;
    harness.now += result.requeueAfterMs ?? 0;
  }
  throw new Error(`${name} did not settle`);
}

const statusOf = (harness: Harness, name: string): Record<string, unknown> =>
  (harness.integrations.get(NAMESPACE, name) as { status?: Record<string, unknown> } | undefined)?.status ?? {};

async function started(listingExpandsConfig = false): Promise<Harness> {
  const harness = await startHarness({ emulator: { listingExpandsConfig } });
  h = harness;
  organization(harness, { status: READY_ORG_STATUS });
  return harness;
}

describe('the reconciler with the org index', () => {
  it.each([false, true])(
    'reverts a rename made by hand at the next resync, read afresh by id before the write (listing expands config: %s)',
    async (expands) => {
      const harness = await started(expands);
      integration(harness);
      await settle(harness, 'zendesk');
      const id = String(statusOf(harness, 'zendesk')['integrationId']);
      harness.emulator.control.editIntegration(id, { name: 'Renamed by hand' });
      const [reads, puts] = [count(harness, GET_ONE), count(harness, PUT_CONFIG)];
      harness.now += harness.deps.resyncMs;
      await settle(harness, 'zendesk');
      expect(harness.emulator.control.state().integrations.find((i) => i.id === id)?.name).toBe('Zendesk Support');
      expect(count(harness, PUT_CONFIG)).toBe(puts + 1);
      expect(count(harness, GET_ONE)).toBeGreaterThan(reads);
      expect(harness.events.map((e) => e.reason)).toContain('DriftReverted');
    },
  );

  it('writes nothing at a resync that finds nothing changed, and reads no integration by id', async () => {
    const harness = await started(true);
    integration(harness);
    await settle(harness, 'zendesk');
    const [reads, puts] = [count(harness, GET_ONE), count(harness, PUT_CONFIG)];
    harness.now += harness.deps.resyncMs;
    await settle(harness, 'zendesk');
    expect([count(harness, GET_ONE), count(harness, PUT_CONFIG)]).toEqual([reads, puts]);
  });

  it('sees a name set by hand just before the resource was applied, though the index was listed a moment earlier', async () => {
    const harness = await started();
    integration(harness, { name: 'first', spec: { displayName: 'Orders' } });
    await settle(harness, 'first');
    harness.now += 1_000;
    harness.emulator.control.seedIntegration({ type: 'Zendesk', name: 'Billing' });
    harness.now += 1_000;
    const made = integration(harness, { name: 'second', spec: { displayName: 'Billing' } });
    (made.metadata as unknown as { creationTimestamp?: string }).creationTimestamp = new Date(harness.now).toISOString();
    await settle(harness, 'second');
    expect(statusOf(harness, 'second')['platformName']).toBe('Billing 2');
  });

  it('counts the type from the shared index for resources held by the install limit, not a listing each', async () => {
    const harness = await startHarness({ emulator: { installLimits: { Zendesk: 1 } } });
    h = harness;
    organization(harness, { status: READY_ORG_STATUS });
    integration(harness, { name: 'allowed' });
    await settle(harness, 'allowed');
    for (const name of ['held-1', 'held-2', 'held-3']) integration(harness, { name });
    const lists = count(harness, LIST);
    for (let resync = 0; resync < 3; resync += 1) {
      harness.now += harness.deps.resyncMs;
      for (const name of ['held-1', 'held-2', 'held-3']) await settle(harness, name);
    }
    expect((statusOf(harness, 'held-2')['conditions'] as { reason: string }[]).map((c) => c.reason)).toContain('QuotaExceeded');
    // One listing per resync for the three, not one each.
    expect(count(harness, LIST) - lists).toBe(3);
  });

  it('reads configs by id for the rest of the session once the platform refused the expand', async () => {
    const harness = await started(true);
    harness.emulator.control.addFault({ route: LIST, kind: 'status', status: 400, times: 1 });
    integration(harness);
    await settle(harness, 'zendesk');
    const configReads = count(harness, GET_CONFIG);
    harness.now += harness.deps.resyncMs;
    await settle(harness, 'zendesk');
    // The emulator would expand now: the session does not ask again, and reads the one config by id.
    expect(count(harness, GET_CONFIG)).toBe(configReads + 1);
    expect(harness.emulator.control.state().integrations).toHaveLength(1);
  });

  it('shares one credentials listing among resources resynced at once', async () => {
    const harness = await started(true);
    const names = ['one', 'two', 'three'];
    for (const name of names) integration(harness, { name });
    for (const name of names) await settle(harness, name);
    const listings = count(harness, 'GET /api/v2/integrations/credentials/listing');
    harness.now += harness.deps.resyncMs;
    await Promise.all(names.map((name) => reconcileIntegration(harness.deps, NAMESPACE, name)));
    expect(count(harness, 'GET /api/v2/integrations/credentials/listing')).toBe(listings + 1);
    expect(count(harness, 'GET /api/v2/integrations/credentials/{id}')).toBe(0);
  });
});
