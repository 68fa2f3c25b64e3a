// B5: 100 DataActions on one Web services integration, applied at once at the platform's default budget:
// time until all are Ready and calls per action by route, against the Terraform-style baseline
// (baseline-actions.ts) on its own emulator and budget in the same run. The integration is made Ready first
// on both sides, and its own calls (and logins) are left out of the calls per action.
import { DATA_ACTION_RESOURCE } from '../../src/api/index.ts';
import { DEPLOYED_RESYNC_MS, routesOf } from './b1.ts';
import { actionBaselineClient, applyActionBaseline, planActionBaseline } from './baseline-actions.ts';
import { applyBaseline, baselineClient, planBaseline } from './baseline.ts';
import { callsBetween, totalOf, writesOf, type RouteCounts } from './call-counts.ts';
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
import { sleep } from './operator-process.ts';
import { actionWorkload, organizationObjects } from './workloads.ts';
import type { CallCounts, Emulator } from '../emulator/index.ts';

/** Actions at full scale, and with --quick. */
export const B5_ACTIONS = 100;
export const B5_QUICK_ACTIONS = 20;

/** Terraform's default -parallelism. */
const TERRAFORM_PARALLELISM = 10;

/**
 * The fewest calls that create an action whose draft is validated before it is published, and know it is
 * there: create it as a draft (POST .../actions/drafts), GET .../draft/validation, POST .../draft/publish, one
 * GET of the published action. The baseline validates nothing: POST (published at once) and three reads.
 */
export const FEWEST_CALLS_PER_ACTION = 4;

interface Reconciles {
  readonly actions: number;
  readonly atReady: number;
  readonly lastCallAfterReadyMs: number;
  readonly integration: number;
}

/** No call for this long after all are Ready: the operator is done. */
const QUIET_MS = 3_000;

const ACTIONS_ROUTE = /^[A-Z]+ \/api\/v2\/integrations\/actions(\/|$)/;

/** The calls on the actions API, and the rest (the integration's own calls and logins), by route. */
function splitCalls(counts: RouteCounts): { actions: RouteCounts; other: RouteCounts } {
  const actions: Record<string, number> = {};
  const other: Record<string, number> = {};
  for (const [route, n] of Object.entries(counts)) (ACTIONS_ROUTE.test(route) ? actions : other)[route] = n;
  return { actions, other };
}

export async function measureB5(context: BenchContext): Promise<FigureResult> {
  const { cluster, options, progress } = context;
  const workload = actionWorkload('b5-org', options.quick ? B5_QUICK_ACTIONS : B5_ACTIONS);
  const n = workload.actionNames.length;
  const emulator = await startBenchEmulator(context, options.budget);
  const baselineEmulator = await startBenchEmulator(context, options.budget);
  try {
    const namespace = await cluster.createNamespace('bench-b5');
    await cluster.createPlaceholderSecret(namespace);
    // The baseline's integration, as Terraform would have made it before its actions; nothing of it is counted.
    const integrationPlan = await planBaseline(
      {
        orgName: workload.orgName,
        objects: workload.integrationObjects,
        integrationNames: [workload.integrationName],
        rotationTargets: [],
      },
      baselineEmulator,
      options.budget,
    );
    const [integrationId] = (await applyBaseline(baselineClient(baselineEmulator, options.budget), baselineEmulator, integrationPlan, 1))
      .ids;
    if (integrationId === undefined) throw new Error('The baseline made no integration');
    const plannedActions = planActionBaseline(workload.actionObjects);
    const operator = await startOperator(context, namespace, DEPLOYED_RESYNC_MS);
    let operatorCalls: RouteCounts;
    let readyCalls: RouteCounts;
    let refused: RouteCounts;
    let operatorMs: number;
    let reconciles: Reconciles;
    let baselineRun;
    try {
      await cluster.apply(namespace, [
        ...organizationObjects(workload.orgName, emulator.baseUrl, options.budget),
        ...workload.integrationObjects,
      ]);
      await cluster.waitReady(namespace, [workload.integrationName], options.convergeTimeoutMs, 250);
      progress(`B5: integration Ready; ${n} actions at ${options.budget}/min, operator and baseline started`);
      const actionReconciles = await operator.reconciles('dataaction');
      const integrationReconciles = await operator.integrationReconciles();
      const before = emulator.control.calls();
      baselineRun = applyActionBaseline(
        actionBaselineClient(baselineEmulator, options.budget),
        baselineEmulator,
        integrationId,
        plannedActions,
        TERRAFORM_PARALLELISM,
      );
      const started = performance.now();
      await cluster.apply(namespace, workload.actionObjects);
      await cluster.waitReady(namespace, workload.actionNames, options.convergeTimeoutMs, 1000, DATA_ACTION_RESOURCE);
      operatorMs = performance.now() - started;
      readyCalls = callsBetween(before, emulator.control.calls());
      const readyAt = performance.now();
      const reconcilesAtReady = (await operator.reconciles('dataaction')) - actionReconciles;
      progress(`B5: operator converged in ${seconds(operatorMs)} s`);
      // What comes after: the read-back pass of the last published, and the resyncs whose slots came while the
      // creations held the budget (a resync waits behind them, src/kube/resync-schedule.ts gives each key a slot
      // in the period, at least a tenth of it after its last look), run once the budget is free.
      const quiet = await quietCalls(emulator, QUIET_MS);
      operatorCalls = callsBetween(before, quiet.counts);
      refused = refusalsBetween(before, quiet.counts);
      reconciles = {
        atReady: reconcilesAtReady,
        lastCallAfterReadyMs: Math.max(0, quiet.lastChangeAt - readyAt),
        actions: (await operator.reconciles('dataaction')) - actionReconciles,
        integration: (await operator.integrationReconciles()) - integrationReconciles,
      };
    } finally {
      await stopOperator(operator);
    }
    const baseline = await baselineRun;
    progress(`B5: baseline applied in ${seconds(baseline.wallMs)} s`);
    return report(
      n,
      options.budget,
      operatorMs,
      { ready: readyCalls, quiet: operatorCalls, refused },
      reconciles,
      baseline.wallMs,
      baseline.calls,
    );
  } finally {
    await emulator.close();
    await baselineEmulator.close();
  }
}

/** The emulator's counter once it has not moved for `quietMs` (at most a minute): the operator is done. */
async function quietCalls(emulator: Emulator, quietMs: number): Promise<{ counts: CallCounts; lastChangeAt: number }> {
  const deadline = performance.now() + 60_000;
  let last = emulator.control.calls();
  let since = performance.now();
  while (performance.now() - since < quietMs && performance.now() < deadline) {
    await sleep(250);
    const now = emulator.control.calls();
    if (now.total !== last.total) since = performance.now();
    last = now;
  }
  return { counts: last, lastChangeAt: since };
}

/** Calls answered with an error status, by route and status ("POST /x 409"). */
function refusalsBetween(before: CallCounts, after: CallCounts): RouteCounts {
  const refused: Record<string, number> = {};
  for (const [route, entry] of Object.entries(after.byRoute)) {
    for (const [status, count] of Object.entries(entry.byStatus)) {
      const n = count - (before.byRoute[route]?.byStatus[status] ?? 0);
      if (n > 0 && !/^[123]/.test(status)) refused[`${route} ${status}`] = n;
    }
  }
  return refused;
}

function report(
  n: number,
  budget: number,
  operatorMs: number,
  operator: { readonly ready: RouteCounts; readonly quiet: RouteCounts; readonly refused: RouteCounts },
  reconciles: Reconciles,
  baselineMs: number,
  baselineAll: RouteCounts,
): FigureResult {
  const op = splitCalls(operator.ready);
  const after = totalOf(splitCalls(operator.quiet).actions) - totalOf(op.actions);
  const base = splitCalls(baselineAll);
  const opCalls = totalOf(op.actions);
  const baseCalls = totalOf(base.actions);
  const boundMs = (FEWEST_CALLS_PER_ACTION * n * 60_000) / budget;
  const widths = [62, 10, 10, 8];
  const byRoute = (route: string): string =>
    row(
      [
        `    ${route}`,
        per(op.actions[route] ?? 0, n),
        per(base.actions[route] ?? 0, n),
        ratio(op.actions[route] ?? 0, base.actions[route] ?? 0),
      ],
      widths,
    );
  const listed = (counts: RouteCounts): string =>
    Object.entries(counts)
      .map(([route, count]) => `${route} ${count}`)
      .join(', ') || 'none';
  const detail = [
    `B5: ${n} DataActions on one Web services integration, ${budget} requests/min, resync ${DEPLOYED_RESYNC_MS / 60_000} min`,
    row(['', 'operator', 'baseline', 'op/base'], widths),
    row(['time to all Ready (baseline: apply done), s', seconds(operatorMs), seconds(baselineMs), ratio(operatorMs, baselineMs)], widths),
    row(
      ['platform calls per action (operator: by the time all were Ready)', per(opCalls, n), per(baseCalls, n), ratio(opCalls, baseCalls)],
      widths,
    ),
    row(['  then, until the operator went quiet (read-backs, resyncs)', per(after, n), '', ''], widths),
    row(
      [
        'writes per action',
        per(writesOf(op.actions), n),
        per(writesOf(base.actions), n),
        ratio(writesOf(op.actions), writesOf(base.actions)),
      ],
      widths,
    ),
    row(['reconciles per action by the time all were Ready', per(reconciles.atReady, n), '-', ''], widths),
    row(['  then, until the operator went quiet', per(reconciles.actions - reconciles.atReady, n), '', ''], widths),
    `  the operator's last call came ${seconds(reconciles.lastCallAfterReadyMs)} s after all were Ready; ` +
      `resyncs due while the creations held the budget run then (GET action and GET draft each)`,
    `  for reference: ${FEWEST_CALLS_PER_ACTION} calls x ${n} / ${budget} per min = ${seconds(boundMs)} s ` +
      `(create as a draft, validate, publish, one read); operator ${ratio(operatorMs, boundMs)}x, baseline ${ratio(baselineMs, boundMs)}x ` +
      `(the baseline neither validates nor publishes)`,
    `  answered 4xx/5xx to the operator: ${listed(operator.refused)}`,
    `  left out (the integration's own calls, logins): operator ${listed(op.other)} ` +
      `(the integration reconciled ${reconciles.integration} times meanwhile); baseline ${listed(base.other)}`,
    '  calls per action by route:',
    ...routesOf(op.actions, base.actions).map(byRoute),
  ];
  return {
    figure: 'B5',
    detail,
    row: {
      measures: `${n} DataActions on one integration at ${budget}/min: time to all Ready; calls per action`,
      result: `${seconds(operatorMs)} s; ${per(opCalls, n)} calls/action`,
      baseline: `${seconds(baselineMs)} s (op/base ${ratio(operatorMs, baselineMs)}); ${per(baseCalls, n)} calls/action (op/base ${ratio(opCalls, baseCalls)})`,
      target: '-',
      verdict: '-',
    },
  };
}
