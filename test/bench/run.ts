// `npm run bench`: the figures B1-B4 of issue 13 and B5 of issue 12, each against the Terraform-style baseline where it has
// one, in one run on one testbed (kube-apiserver + etcd) and in-process emulators. Prints figures; asserts
// nothing. See README.md.
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../testbed/control-plane.ts';
import { measureB1 } from './b1.ts';
import { measureB2 } from './b2.ts';
import { measureB3 } from './b3.ts';
import { measureB4 } from './b4.ts';
import { measureB5 } from './b5.ts';
import { BenchCluster } from './cluster.ts';
import { startedOperators, type BenchContext, type FigureResult } from './context.ts';
import { BENCH_USAGE, BenchFlagError, parseBenchFlags, type BenchOptions, type Figure } from './flags.ts';
import { compileOperator, deployedNodeArgs } from './operator-process.ts';
import { formatFigure, formatTable } from './report.ts';

const repoRoot = join(import.meta.dirname, '..', '..');

const MEASURES: Readonly<Record<Figure, (context: BenchContext) => Promise<FigureResult>>> = {
  B1: measureB1,
  B2: measureB2,
  B3: measureB3,
  B4: measureB4,
  B5: measureB5,
};

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
  const progress = (line: string): void => {
    const elapsed = ((performance.now() - started) / 1000).toFixed(0).padStart(5);
    process.stderr.write(`bench ${elapsed} s: ${line}\n`);
  };

  const started = performance.now();
  const compiledMain = options.tsx ? undefined : await compileOperator();
  if (compiledMain !== undefined) progress(`compiled the operator`);
  const controlPlane: ControlPlane = await startControlPlane();
  const stopAll = (): void => {
    for (const operator of startedOperators) operator.kill();
  };
  process.once('exit', stopAll);
  process.once('SIGINT', () => {
    stopAll();
    void controlPlane.stop().finally(() => process.exit(130));
  });
  const results: FigureResult[] = [];
  try {
    await controlPlane.installCrds(join(repoRoot, 'crds'));
    progress('testbed ready');
    const context: BenchContext = {
      cluster: new BenchCluster(controlPlane.kubeconfigPath, controlPlane.kubectl),
      options,
      compiledMain,
      progress,
    };
    for (const figure of options.only) {
      const result = await MEASURES[figure](context);
      results.push(result);
      process.stdout.write(`${formatFigure(result)}\n\n`);
    }
  } finally {
    await controlPlane.stop();
  }
  const [load1] = loadavg();
  process.stdout.write(`${formatTable(results)}\n\n`);
  process.stdout.write(
    `Run: ${new Date().toISOString().slice(0, 10)}, ${((performance.now() - started) / 1000).toFixed(0)} s on ${cpus().length} cores ` +
      `(load average ${load1?.toFixed(1) ?? '?'} at the end), Node ${process.version}, ` +
      `operator ${compiledMain === undefined ? 'through tsx' : `compiled (node ${deployedNodeArgs().join(' ')} dist/main.js)`}, ` +
      `ACTIVATING->ACTIVE ${options.stateTransitionMs} ms${options.quick ? ', --quick (a tenth of the scale)' : ''}\n`,
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
