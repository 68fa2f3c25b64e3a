// What every figure shares: the cluster, the flags, how to start an operator and an emulator, and the
// figure's printed result.
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.ts';
import type { BenchCluster } from './cluster.ts';
import type { BenchOptions, Figure } from './flags.ts';
import { deployedNodeArgs, OperatorProcess } from './operator-process.ts';

export interface BenchContext {
  readonly cluster: BenchCluster;
  readonly options: BenchOptions;
  /** From compileOperator(), unless --tsx. */
  readonly compiledMain: string | undefined;
  readonly progress: (line: string) => void;
}

/** One figure's outcome: lines of detail, and its row of the summary table. */
export interface FigureResult {
  readonly figure: Figure;
  readonly detail: readonly string[];
  readonly row: {
    readonly measures: string;
    readonly result: string;
    readonly baseline: string;
    readonly target: string;
    readonly verdict: string;
  };
}

/** Every operator started, so that an interrupted run can kill them. */
export const startedOperators = new Set<OperatorProcess>();

/** An operator watching `namespace`, ready (informers synced); compiled with the Deployment's Node flags unless --tsx. */
export async function startOperator(context: BenchContext, namespace: string, resyncMs: number): Promise<OperatorProcess> {
  const operator = new OperatorProcess({
    kubeconfigPath: context.cluster.kubeconfigPath,
    namespace,
    resyncMs,
    echoLogs: context.options.operatorLogs,
    compiledMain: context.compiledMain,
    nodeArgs: context.compiledMain === undefined ? [] : deployedNodeArgs(),
  });
  startedOperators.add(operator);
  try {
    await operator.waitUntilReady();
  } catch (error) {
    await stopOperator(operator);
    throw error;
  }
  return operator;
}

/** SIGTERM; resolves with the milliseconds until the operator exited. */
export async function stopOperator(operator: OperatorProcess): Promise<number> {
  const ms = await operator.stop();
  startedOperators.delete(operator);
  return ms;
}

/** An emulator with the figure's options; `listingExpandsConfig` is passed through for emulators that know it. */
export async function startBenchEmulator(
  context: BenchContext,
  requestsPerMinute: number,
  extra: Partial<EmulatorOptions> & { listingExpandsConfig?: boolean } = {},
): Promise<Emulator> {
  const options: EmulatorOptions & { listingExpandsConfig?: boolean } = {
    stateTransitionMs: context.options.stateTransitionMs,
    requestsPerMinute,
    ...extra,
  };
  return startEmulator(options);
}

/** Nearest-rank quantile of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

export function per(count: number, n: number): string {
  return n === 0 ? '-' : (count / n).toFixed(2);
}

export function ratio(a: number, b: number): string {
  if (b === 0) return a === 0 ? '-' : 'inf';
  return (a / b).toFixed(2);
}

export function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

export function mib(bytes: number, digits = 0): string {
  return (bytes / (1024 * 1024)).toFixed(digits);
}

/** A table row, the first cell left-aligned, the others right-aligned. */
export function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' ');
}
