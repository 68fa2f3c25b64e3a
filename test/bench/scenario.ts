// One scenario: a workload at one budget. The operator converges it, then idles through a few resyncs
// (and, in one scenario, has a Secret rotated under it); then the Terraform-style baseline does the same
// work against a fresh emulator with the same options and budget, while the operator is stopped, so the
// two never share the CPU.
import { randomBytes } from 'node:crypto';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.ts';
import { applyBaseline, baselineClient, planBaseline, refreshBaseline, type BaselineRun, type RefreshRun } from './baseline.ts';
import { callsBetween, writesOf, type RouteCounts } from './call-counts.ts';
import { readyOf, type BenchCluster } from './cluster.ts';
import type { BenchOptions } from './flags.ts';
import { OperatorProcess, sleep } from './operator-process.ts';
import { organizationObjects, type Json, type Workload } from './workloads.ts';

export interface ConvergeRun {
  readonly wallMs: number;
  readonly calls: RouteCounts;
  readonly reconciles: number;
}

export interface SteadyRun {
  readonly periods: number;
  readonly wallMs: number;
  readonly calls: RouteCounts;
  readonly writes: number;
  readonly reconciles: number;
}

export interface RotationRun {
  readonly latenciesMs: readonly number[];
  readonly credentialUpdates: number;
}

export interface ScenarioResult {
  readonly workload: string;
  readonly n: number;
  readonly budget: number;
  readonly operator: ConvergeRun;
  readonly peakRssBytes: number;
  readonly steady: SteadyRun | undefined;
  readonly rotation: RotationRun | undefined;
  /** From SIGTERM to the operator's exit at the end of the scenario (a figure the e2e suites no longer assert). */
  readonly shutdownMs: number;
  readonly baseline: BaselineRun;
  readonly refresh: RefreshRun;
}

export interface ScenarioRequest {
  readonly workload: Workload;
  readonly budget: number;
  readonly rotate: boolean;
  /** From compileOperator(), when the operator runs compiled. */
  readonly compiledMain: string | undefined;
}

/** Every operator started, so that an interrupted run can kill them. */
export const startedOperators = new Set<OperatorProcess>();

export async function runScenario(
  cluster: BenchCluster,
  options: BenchOptions,
  request: ScenarioRequest,
  progress: (line: string) => void,
): Promise<ScenarioResult> {
  const { workload, budget } = request;
  const n = workload.integrationNames.length;
  const label = `${workload.name} N=${n} @${budget}/min`;
  const emulatorOptions: EmulatorOptions = { stateTransitionMs: options.stateTransitionMs, requestsPerMinute: budget };

  const emulator = await startEmulator(emulatorOptions);
  const namespace = await cluster.createNamespace(`bench-${workload.name}-${budget}`);
  await cluster.createPlaceholderSecret(namespace);
  const operator = new OperatorProcess({
    kubeconfigPath: cluster.kubeconfigPath,
    namespace,
    resyncMs: options.resyncMs,
    echoLogs: options.operatorLogs,
    compiledMain: request.compiledMain,
  });
  startedOperators.add(operator);
  let converge: ConvergeRun;
  let steady: SteadyRun | undefined;
  let rotation: RotationRun | undefined;
  let peakRssBytes: number;
  let shutdownMs: number;
  try {
    await operator.waitUntilReady();
    progress(`${label}: operator ready, applying`);
    converge = await measureConvergence(cluster, emulator, operator, namespace, workload, budget, options.convergeTimeoutMs);
    progress(`${label}: converged in ${(converge.wallMs / 1000).toFixed(1)} s`);
    if (options.steadyPeriods > 0) {
      steady = await measureSteadyState(emulator, operator, options.steadyPeriods, options.resyncMs);
      progress(`${label}: steady state watched for ${(steady.wallMs / 1000).toFixed(0)} s`);
    }
    if (request.rotate && options.rotations > 0 && workload.rotationTarget !== undefined) {
      rotation = await measureRotation(cluster, emulator, namespace, workload.rotationTarget.secret, options.rotations);
      progress(`${label}: ${options.rotations} Secret rotations timed`);
    }
    peakRssBytes = await operator.peakRssBytes();
  } catch (error) {
    process.stderr.write(`${label}: failed; the operator's last lines:\n${operator.lines.slice(-20).join('\n')}\n`);
    throw error;
  } finally {
    shutdownMs = await operator.stop();
    startedOperators.delete(operator);
    await emulator.close();
  }

  const baselineEmulator = await startEmulator(emulatorOptions);
  try {
    const client = baselineClient(baselineEmulator, budget);
    const planned = await planBaseline(workload, baselineEmulator, budget);
    const baseline = await applyBaseline(client, baselineEmulator, planned, options.baselineParallelism);
    const refresh = await refreshBaseline(client, baselineEmulator, baseline.ids);
    progress(`${label}: baseline applied in ${(baseline.wallMs / 1000).toFixed(1)} s`);
    return { workload: workload.name, n, budget, operator: converge, peakRssBytes, steady, rotation, shutdownMs, baseline, refresh };
  } finally {
    await baselineEmulator.close();
  }
}

async function measureConvergence(
  cluster: BenchCluster,
  emulator: Emulator,
  operator: OperatorProcess,
  namespace: string,
  workload: Workload,
  budget: number,
  timeoutMs: number,
): Promise<ConvergeRun> {
  const before = emulator.control.calls();
  const reconcilesBefore = await operator.integrationReconciles();
  const started = performance.now();
  await cluster.apply(namespace, [...organizationObjects(emulator.baseUrl, budget), ...workload.objects]);
  const wanted = new Set(workload.integrationNames);
  for (;;) {
    const last: Json[] = await cluster.listIntegrations(namespace);
    if (last.filter((i) => wanted.has(i.metadata.name as string) && readyOf(i) === 'True').length === wanted.size) break;
    if (performance.now() - started > timeoutMs) {
      const stuck = last
        .filter((i) => readyOf(i) !== 'True')
        .map((i) => `${i.metadata.name}: ${JSON.stringify(i.status?.conditions ?? [])}`);
      throw new Error(`Not every integration was Ready after ${timeoutMs} ms:\n${stuck.join('\n')}`);
    }
    await sleep(200);
  }
  const wallMs = performance.now() - started;
  const calls = callsBetween(before, emulator.control.calls());
  return { wallMs, calls, reconciles: (await operator.integrationReconciles()) - reconcilesBefore };
}

async function measureSteadyState(emulator: Emulator, operator: OperatorProcess, periods: number, resyncMs: number): Promise<SteadyRun> {
  const before = emulator.control.calls();
  const reconcilesBefore = await operator.integrationReconciles();
  const started = performance.now();
  await sleep(periods * resyncMs);
  const calls = callsBetween(before, emulator.control.calls());
  return {
    periods,
    wallMs: performance.now() - started,
    calls,
    writes: writesOf(calls),
    reconciles: (await operator.integrationReconciles()) - reconcilesBefore,
  };
}

/** Time from the Secret patch being accepted to the platform storing the new value, `times` over. */
async function measureRotation(
  cluster: BenchCluster,
  emulator: Emulator,
  namespace: string,
  secret: string,
  times: number,
): Promise<RotationRun> {
  const before = emulator.control.calls();
  const latenciesMs: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const value = randomBytes(12).toString('hex');
    const started = performance.now();
    await cluster.setSecretValue(namespace, secret, 'password', value);
    for (;;) {
      if (emulator.control.state().credentials.some((c) => c.fields['password'] === value)) break;
      if (performance.now() - started > 60_000)
        throw new Error(`Rotation ${i + 1} of Secret ${namespace}/${secret} did not reach the platform within 60 s`);
      await sleep(5);
    }
    latenciesMs.push(performance.now() - started);
    // Let the reconcile that wrote it finish (its status write) before the next change.
    await sleep(500);
  }
  const calls = callsBetween(before, emulator.control.calls());
  return { latenciesMs, credentialUpdates: calls['PUT /api/v2/integrations/credentials/{id}'] ?? 0 };
}
