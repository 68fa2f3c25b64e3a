// `npm run bench`: the operator against a Terraform-style baseline, in one run, on one testbed
// (kube-apiserver + etcd) and in-process emulators. Prints figures; asserts nothing. See README.md.
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../testbed/control-plane.ts';
import { BenchCluster } from './cluster.ts';
import { BENCH_USAGE, BenchFlagError, parseBenchFlags, type BenchOptions } from './flags.ts';
import { formatScenario, formatSummary } from './report.ts';
import { compileOperator } from './operator-process.ts';
import { runScenario, startedOperators, type ScenarioResult } from './scenario.ts';
import { samplesWorkload, webServicesWorkload, type Workload } from './workloads.ts';

const repoRoot = join(import.meta.dirname, '..', '..');

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    const parsed = parseBenchFlags(process.argv.slice(2));
    if (parsed === 'help') {
      process.stdout.write(BENCH_USAGE);
      return 0;
    }
    options = parsed;
  } catch (error) {
    if (error instanceof BenchFlagError || (error instanceof TypeError && 'code' in error)) {
      process.stderr.write(`${error.message}\n${BENCH_USAGE}`);
      return 2;
    }
    throw error;
  }

  const workloads: Workload[] = [];
  if (options.samples > 0) workloads.push(samplesWorkload(options.samples));
  if (options.webServices > 0) workloads.push(webServicesWorkload(options.webServices));
  const progress = (line: string): void => {
    process.stderr.write(`bench: ${line}\n`);
  };

  const started = performance.now();
  const compiledMain = options.compiled ? await compileOperator() : undefined;
  if (compiledMain !== undefined) progress(`compiled the operator in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const controlPlane: ControlPlane = await startControlPlane();
  const stopAll = (): void => {
    for (const operator of startedOperators) operator.kill();
  };
  process.once('exit', stopAll);
  process.once('SIGINT', () => {
    stopAll();
    void controlPlane.stop().finally(() => process.exit(130));
  });
  const results: ScenarioResult[] = [];
  try {
    await controlPlane.installCrds(join(repoRoot, 'crds'));
    progress(`testbed ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const cluster = new BenchCluster(controlPlane.kubeconfigPath, controlPlane.kubectl);
    for (const workload of workloads) {
      for (const budget of options.budgets) {
        const rotate = results.length === 0;
        const result = await runScenario(cluster, options, { workload, budget, rotate, compiledMain }, progress);
        results.push(result);
        process.stdout.write(`${formatScenario(result)}\n\n`);
      }
    }
  } finally {
    await controlPlane.stop();
  }
  const [load1] = loadavg();
  process.stdout.write(`${formatSummary(results)}\n\n`);
  process.stdout.write(
    `Run: ${((performance.now() - started) / 1000).toFixed(0)} s on ${cpus().length} cores (load average ${load1?.toFixed(1) ?? '?'} at the end), ` +
      `Node ${process.version}, resync ${options.resyncMs / 1000} s, ACTIVATING->ACTIVE ${options.stateTransitionMs} ms, ` +
      `baseline parallelism ${options.baselineParallelism}, ` +
      `operator ${options.compiled ? 'compiled (node dist/main.js)' : 'through tsx'}\n`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
