// How many platform calls the operator spends per integration: to create one with a credential, and to
// look at one again at a resync. The count is behaviour (which calls the reconciler makes), not timing,
// so it is asserted here; the benchmark (test/bench) measures the rest. Both must stay constant in the
// number of integrations the org holds: a listing per create or per name choice would make them grow.
import { afterEach, describe, expect, it } from 'vitest';
import { reconcileIntegration } from '../../../src/reconcile/integration-reconciler.ts';
import {
  byRoute,
  integration,
  minus,
  NAMESPACE,
  organization,
  READY_ORG_STATUS,
  startHarness,
  total,
  type ByRoute,
  type Harness,
} from './harness.ts';

/** The most calls a create with a credential may take: POST credential, POST integration, PUT config, PATCH state, and a little reading. */
const MAX_CALLS_PER_CREATE = 6;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ORG_LISTING = 'GET /api/v2/integrations';

/** Reconciles one resource until it is Ready (its next look is the resync); returns the passes taken. */
async function settle(harness: Harness, name: string): Promise<number> {
  for (let pass = 1; pass <= 12; pass += 1) {
    const result = await reconcileIntegration(harness.deps, NAMESPACE, name);
    if (result.resyncPeriodMs !== undefined) return pass;
    harness.now += result.requeueAfterMs ?? 0;
    harness.emulator.control.advanceClock(result.requeueAfterMs ?? 0);
  }
  throw new Error(`${name} did not settle in 12 passes`);
}

interface Measured {
  /** Calls per created integration, by route (the org's first look, its login and catalogue, excluded). */
  readonly perCreate: ByRoute;
  /** Calls per integration at one resync of all of them, by route. */
  readonly perResync: ByRoute;
}

/**
 * Creates `n` Zendesk integrations with a credential in one org, one after the other, then resyncs all of
 * them once a resync period later.
 */
async function measure(n: number, listingExpandsConfig: boolean): Promise<Measured> {
  const harness = await startHarness({
    // A state change takes a second, as on the platform: the create includes one look to see it ACTIVE.
    emulator: { installLimits: { Zendesk: 100 }, requestsPerMinute: 100_000, stateTransitionMs: 1_000, listingExpandsConfig },
  });
  h = harness;
  const org = organization(harness, { status: READY_ORG_STATUS }) as { spec: Record<string, unknown> };
  // The budget is not what is measured here: a rate that never waits.
  org.spec.requestsPerMinute = 100_000;
  // A first resource opens the session (login, org, catalogue); the measure starts after it.
  integration(harness, { name: 'first' });
  await settle(harness, 'first');
  const start = byRoute(harness.emulator.control.calls());
  // A cold start: every resource applied at once, then reconciled one after the other.
  const appliedAt = new Date(harness.now).toISOString();
  for (let i = 0; i < n; i += 1) {
    const made = integration(harness, { name: `zendesk-${i}`, spec: { displayName: 'Zendesk Support' } });
    (made.metadata as unknown as { creationTimestamp?: string }).creationTimestamp = appliedAt;
  }
  for (let i = 0; i < n; i += 1) await settle(harness, `zendesk-${i}`);
  const created = byRoute(harness.emulator.control.calls());
  harness.now += harness.deps.resyncMs;
  for (const name of ['first', ...Array.from({ length: n }, (_, i) => `zendesk-${i}`)]) await settle(harness, name);
  const resynced = byRoute(harness.emulator.control.calls());
  const per = (counts: ByRoute, k: number): ByRoute => Object.fromEntries(Object.entries(counts).map(([r, c]) => [r, c / k]));
  return { perCreate: per(minus(created, start), n), perResync: per(minus(resynced, created), n + 1) };
}

describe('platform calls per integration', () => {
  it.each([false, true])(
    'a create with a credential costs the same few calls with 10 or 50 integrations in the org (listing expands config: %s)',
    async (listingExpandsConfig) => {
      const ten = await measure(10, listingExpandsConfig);
      await h?.close();
      h = undefined;
      const fifty = await measure(50, listingExpandsConfig);
      console.log(
        `calls per create (expand ${listingExpandsConfig}): N=10 ${JSON.stringify(ten.perCreate)}; N=50 ${JSON.stringify(fifty.perCreate)}`,
      );
      console.log(
        `calls per resync (expand ${listingExpandsConfig}): N=10 ${JSON.stringify(ten.perResync)}; N=50 ${JSON.stringify(fifty.perResync)}`,
      );
      // One listing of the whole org serves the whole burst; every other call is the same per create.
      const shared = (m: Measured, n: number): number => (m.perCreate[ORG_LISTING] ?? 0) * n;
      const own = (m: Measured): ByRoute => Object.fromEntries(Object.entries(m.perCreate).filter(([route]) => route !== ORG_LISTING));
      expect([shared(ten, 10), shared(fifty, 50)]).toEqual([1, 1]);
      expect(own(fifty)).toEqual(own(ten));
      expect(total(fifty.perCreate)).toBeLessThanOrEqual(MAX_CALLS_PER_CREATE);
      expect(total(ten.perCreate)).toBeLessThanOrEqual(MAX_CALLS_PER_CREATE);
    },
    60_000,
  );
});
