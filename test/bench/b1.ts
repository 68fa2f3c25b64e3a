// B1: one org filled to its install limits, created from nothing at the platform's default budget: time to
// all Ready and calls per integration by route, against the lower bound and the Terraform-style baseline.
// The baseline runs at the same time on its own emulator and budget: both are bound by their budgets
// (5 calls a second), not by the CPU, and running them side by side saves the baseline's six minutes.
import { applyBaseline, baselineClient, planBaseline } from './baseline.ts';
import { totalOf, writesOf, type RouteCounts } from './call-counts.ts';
import {
  per,
  ratio,
  row,
  seconds,
  startBenchEmulator,
  startOperator,
  stopOperator,
  type BenchContext,
  type FigureResult,
} from './context.ts';
import { callsBetween } from './call-counts.ts';
import { installLimitWorkload, organizationObjects } from './workloads.ts';

/**
 * The fewest platform calls that create one integration with a credential and know it works: POST the
 * credential (the integration's config can only link an existing one), POST the integration (the create
 * takes the type only), PUT its config (name, notes, properties, credential link), PATCH intendedState, and
 * one GET that sees ACTIVE. Terraform makes the four writes too (docs/platform-facts.md §7) and reads twice.
 */
export const FEWEST_CALLS_PER_INTEGRATION = 5;

/** Terraform's default -parallelism. */
const TERRAFORM_PARALLELISM = 10;

/** The operator's default --resync-period, as deployed. */
export const DEPLOYED_RESYNC_MS = 5 * 60_000;

export async function measureB1(context: BenchContext): Promise<FigureResult> {
  const { cluster, options, progress } = context;
  const workload = installLimitWorkload('b1-org', '', options.scale);
  const n = workload.integrationNames.length;
  const emulator = await startBenchEmulator(context, options.budget);
  const baselineEmulator = await startBenchEmulator(context, options.budget);
  try {
    const namespace = await cluster.createNamespace('bench-b1');
    await cluster.createPlaceholderSecret(namespace);
    const planned = await planBaseline(workload, baselineEmulator, options.budget);
    const operator = await startOperator(context, namespace, DEPLOYED_RESYNC_MS);
    let operatorCalls: RouteCounts;
    let operatorMs: number;
    let reconciles: number;
    let shutdownMs: number;
    const baselineRun = applyBaseline(baselineClient(baselineEmulator, options.budget), baselineEmulator, planned, TERRAFORM_PARALLELISM);
    try {
      progress(`B1: ${n} integrations at ${options.budget}/min, operator and baseline started`);
      const before = emulator.control.calls();
      const started = performance.now();
      await cluster.apply(namespace, [...organizationObjects(workload.orgName, emulator.baseUrl, options.budget), ...workload.objects]);
      await cluster.waitReady(namespace, workload.integrationNames, options.convergeTimeoutMs, 1000);
      operatorMs = performance.now() - started;
      operatorCalls = callsBetween(before, emulator.control.calls());
      reconciles = await operator.integrationReconciles();
      progress(`B1: operator converged in ${seconds(operatorMs)} s`);
    } finally {
      shutdownMs = await stopOperator(operator);
    }
    const baseline = await baselineRun;
    progress(`B1: baseline applied in ${seconds(baseline.wallMs)} s`);
    const boundMs = (FEWEST_CALLS_PER_INTEGRATION * n * 60_000) / options.budget;
    const opCalls = totalOf(operatorCalls);
    const baseCalls = totalOf(baseline.calls);
    const widths = [58, 10, 10, 8];
    const detail = [
      `B1: one org at its install limits, N=${n}, ${options.budget} requests/min, resync ${DEPLOYED_RESYNC_MS / 60_000} min`,
      row(['', 'operator', 'baseline', 'op/base'], widths),
      row(
        ['time to all Ready (baseline: apply done), s', seconds(operatorMs), seconds(baseline.wallMs), ratio(operatorMs, baseline.wallMs)],
        widths,
      ),
      row(['platform calls per integration', per(opCalls, n), per(baseCalls, n), ratio(opCalls, baseCalls)], widths),
      row(
        [
          'writes per integration',
          per(writesOf(operatorCalls), n),
          per(writesOf(baseline.calls), n),
          ratio(writesOf(operatorCalls), writesOf(baseline.calls)),
        ],
        widths,
      ),
      row(['reconciles per integration', per(reconciles, n), '-', ''], widths),
      `  lower bound: ${FEWEST_CALLS_PER_INTEGRATION} calls x ${n} / ${options.budget} per min = ${seconds(boundMs)} s ` +
        `(POST credential, POST integration, PUT config, PATCH state, one GET that sees ACTIVE); ` +
        `operator ${ratio(operatorMs, boundMs)}x the bound, baseline ${ratio(baseline.wallMs, boundMs)}x (the baseline never waits for ACTIVE)`,
      `  SIGTERM to exit at the end: ${shutdownMs.toFixed(0)} ms`,
      '  calls per integration by route:',
      ...routesOf(operatorCalls, baseline.calls).map((route) =>
        row(
          [
            `    ${route}`,
            per(operatorCalls[route] ?? 0, n),
            per(baseline.calls[route] ?? 0, n),
            ratio(operatorCalls[route] ?? 0, baseline.calls[route] ?? 0),
          ],
          widths,
        ),
      ),
    ];
    const toBound = operatorMs / boundMs;
    return {
      figure: 'B1',
      detail,
      row: {
        measures: `one org at its install limits (N=${n}) at ${options.budget}/min: time to all Ready; calls per integration`,
        result: `${seconds(operatorMs)} s, ${toBound.toFixed(2)}x the bound of ${seconds(boundMs)} s; ${per(opCalls, n)} calls/integration`,
        baseline: `${seconds(baseline.wallMs)} s (op/base ${ratio(operatorMs, baseline.wallMs)}); ${per(baseCalls, n)} calls/integration`,
        target: '≤ 1.15x the bound (goal 1.10x)',
        verdict: toBound <= 1.15 ? 'met' : `missed: ${toBound.toFixed(2)}x against 1.15x`,
      },
    };
  } finally {
    await emulator.close();
    await baselineEmulator.close();
  }
}

/** Routes of either side, the busiest first. */
export function routesOf(a: RouteCounts, b: RouteCounts): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(
    (x, y) => (a[y] ?? 0) + (b[y] ?? 0) - ((a[x] ?? 0) + (b[x] ?? 0)) || x.localeCompare(y),
  );
}
