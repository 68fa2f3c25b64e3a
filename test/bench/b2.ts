// B2: what a resync costs at steady state, per integration, against Terraform's refresh (`terraform plan`
// reads each resource: GET + GET config), in both emulator modes: the org listing carries each
// integration's config (`expand=config.current`, the emulator's listingExpandsConfig) or it does not.
import type { Emulator } from '../emulator/index.ts';
import { baselineClient, refreshBaseline } from './baseline.ts';
import { callsBetween, totalOf, writesOf } from './call-counts.ts';
import { per, ratio, seconds, startBenchEmulator, startOperator, stopOperator, type BenchContext, type FigureResult } from './context.ts';
import { sleep } from './operator-process.ts';
import { installLimitWorkload, organizationObjects } from './workloads.ts';

interface ModeRun {
  readonly n: number;
  readonly perResync: number;
  readonly refreshPer: number;
  readonly writes: number;
  readonly byRoute: string;
  readonly wallMs: number;
}

const LACKS = 'n/a (emulator lacks listingExpandsConfig)';

export async function measureB2(context: BenchContext): Promise<FigureResult> {
  const withConfig = await measureMode(context, true);
  const without = await measureMode(context, false);
  const { options } = context;
  const n = (withConfig ?? without)?.n ?? 0;
  const refreshPer = (without ?? withConfig)?.refreshPer ?? Number.NaN;
  const describe = (run: ModeRun | undefined, target: number): string[] =>
    run === undefined
      ? [LACKS]
      : [
          `${run.perResync.toFixed(2)} calls/integration/resync, ${(run.refreshPer / run.perResync).toFixed(1)}x fewer than the refresh (target ≥ ${target}x); ${run.writes} writes`,
          `    by route, per integration per resync: ${run.byRoute}`,
        ];
  const detail = [
    `B2: steady state, N=${n}, resync ${seconds(options.resyncMs)} s, ${options.steadyPeriods} periods counted after one to settle, ${options.steadyBudget} requests/min`,
    `  listing carries config:  ${describe(withConfig, 10).join('\n')}`,
    `  listing without config:  ${describe(without, 2).join('\n')}`,
    `  Terraform refresh (GET + GET config per integration, same emulator): ${refreshPer.toFixed(2)} calls/integration`,
  ];
  const figure = (run: ModeRun | undefined, f: (r: ModeRun) => string): string => (run === undefined ? 'n/a' : f(run));
  const met = (run: ModeRun | undefined, target: number): string =>
    run === undefined ? 'n/a' : run.refreshPer / run.perResync >= target && run.writes === 0 ? 'met' : 'missed';
  return {
    figure: 'B2',
    detail,
    row: {
      measures: `calls per integration per resync (N=${n}), listing with config / without`,
      result:
        `${figure(withConfig, (r) => r.perResync.toFixed(2))} / ${figure(without, (r) => r.perResync.toFixed(2))}; ` +
        `writes ${figure(withConfig, (r) => String(r.writes))} / ${figure(without, (r) => String(r.writes))}`,
      baseline:
        `refresh ${refreshPer.toFixed(2)}; op ${figure(withConfig, (r) => `${ratio(r.refreshPer, r.perResync)}x`)} / ` +
        `${figure(without, (r) => `${ratio(r.refreshPer, r.perResync)}x`)} fewer`,
      target: '≥ 10x fewer with config, ≥ 2x without; 0 writes',
      verdict: `with: ${met(withConfig, 10)}; without: ${met(without, 2)}`,
    },
  };
}

async function measureMode(context: BenchContext, listingExpandsConfig: boolean): Promise<ModeRun | undefined> {
  const { cluster, options, progress } = context;
  const label = `B2 (listing ${listingExpandsConfig ? 'with' : 'without'} config)`;
  const emulator = await startBenchEmulator(context, options.steadyBudget, { listingExpandsConfig });
  try {
    // An emulator that lacks the option takes it silently and lists as it always did.
    if ((await listingCarriesConfig(emulator)) !== listingExpandsConfig) {
      progress(`${label}: ${LACKS}`);
      return undefined;
    }
    const workload = installLimitWorkload(`b2-org`, '', options.scale);
    const n = workload.integrationNames.length;
    const namespace = await cluster.createNamespace(`bench-b2-${listingExpandsConfig ? 'config' : 'plain'}`);
    await cluster.createPlaceholderSecret(namespace);
    const operator = await startOperator(context, namespace, options.resyncMs);
    let calls;
    let wallMs: number;
    try {
      await cluster.apply(namespace, [
        ...organizationObjects(workload.orgName, emulator.baseUrl, options.steadyBudget),
        ...workload.objects,
      ]);
      await cluster.waitReady(namespace, workload.integrationNames, options.convergeTimeoutMs, 1000);
      progress(`${label}: ${n} Ready, settling for one resync period`);
      await sleep(options.resyncMs);
      const before = emulator.control.calls();
      const started = performance.now();
      await sleep(options.steadyPeriods * options.resyncMs);
      calls = callsBetween(before, emulator.control.calls());
      wallMs = performance.now() - started;
    } finally {
      await stopOperator(operator);
    }
    const refresh = await refreshBaseline(baselineClient(emulator, options.steadyBudget), emulator, [
      ...emulator.state.integrations.keys(),
    ]);
    const resyncs = n * options.steadyPeriods;
    progress(`${label}: ${(totalOf(calls) / resyncs).toFixed(2)} calls/integration/resync`);
    return {
      n,
      perResync: totalOf(calls) / resyncs,
      refreshPer: totalOf(refresh.calls) / n,
      writes: writesOf(calls),
      byRoute: Object.entries(calls)
        .sort()
        .map(([route, count]) => `${route} ${per(count, resyncs)}`)
        .join('; '),
      wallMs,
    };
  } finally {
    await emulator.close();
  }
}

/**
 * Whether this emulator's listing carries each integration's config when asked (`expand=config.current`).
 * One integration is seeded through the control API for the look, and deleted again.
 */
async function listingCarriesConfig(emulator: Emulator): Promise<boolean> {
  const seeded = emulator.control.seedIntegration({ type: 'WebServices', name: 'bench-probe' }) as { id: string };
  try {
    const grant = await fetch(`${emulator.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('emulator-client:emulator-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const { access_token: token } = (await grant.json()) as { access_token: string };
    const listing = await fetch(`${emulator.baseUrl}/api/v2/integrations?pageSize=25&expand=config.current`, {
      headers: { authorization: `Bearer ${token}` },
    });
    // Without the expand an entry's config.current is a reference ({ id } at most); the config itself has a version.
    const body = (await listing.json()) as { entities?: { config?: { current?: { version?: unknown } } }[] };
    return body.entities?.some((e) => typeof e.config?.current?.version === 'number') ?? false;
  } finally {
    emulator.control.deleteIntegration(seeded.id);
  }
}
