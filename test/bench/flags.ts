// The benchmark's flags. Defaults give the run the brief asks for (8 samples and 40 Web services, at the
// platform's default budget and at ten times it) in about seven minutes on a 2-core machine.
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Integrations in the samples-style workload: the eight samples, cycled (0 skips it). */
  readonly samples: number;
  /** Integrations in the Web services workload (0 skips it). */
  readonly webServices: number;
  /** The org's requestsPerMinute, one scenario per value per workload; the emulator enforces the same. */
  readonly budgets: readonly number[];
  /** The operator's --resync-period. */
  readonly resyncMs: number;
  /** Resync periods watched at steady state (0 skips the steady-state measure). */
  readonly steadyPeriods: number;
  /** Secret rotations timed, in the first scenario at the first budget (0 skips them). */
  readonly rotations: number;
  /** The emulator's ACTIVATING -> ACTIVE delay. */
  readonly stateTransitionMs: number;
  /** Integrations the baseline works on at once (Terraform's -parallelism; 1 = one resource after another). */
  readonly baselineParallelism: number;
  /** Give up on convergence after this long. */
  readonly convergeTimeoutMs: number;
  /** Echo the operator's log lines to stderr. */
  readonly operatorLogs: boolean;
  /** Run the operator as deployed (tsc output, `node dist/main.js`) instead of through tsx. */
  readonly compiled: boolean;
}

export class BenchFlagError extends Error {
  readonly code = 'BenchBadFlag';
}

export const BENCH_USAGE = `Usage: npm run bench -- [flags]
  --samples <n>               samples-style integrations, the eight samples cycled (default 8; 0 skips)
  --web-services <n>          Web services integrations (default 40; 0 skips)
  --budgets <a,b>             org requestsPerMinute values, one scenario each (default 300,3000)
  --resync-period <duration>  the operator's resync period, e.g. 10s (default 10s)
  --steady-periods <n>        resync periods watched after convergence (default 3; 0 skips)
  --rotations <n>             Secret rotations timed in the first scenario (default 10; 0 skips)
  --state-transition-ms <n>   emulator ACTIVATING -> ACTIVE delay (default 300)
  --baseline-parallelism <n>  resources the Terraform-style baseline creates at once (default 1)
  --converge-timeout <dur>    give up waiting for Ready after this long (default 5m)
  --operator-logs             echo the operator's logs to stderr
  --compiled                  compile src/ (into .bench/dist) and run it as the image does, not through tsx
`;

export function parseBenchFlags(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      samples: { type: 'string', default: '8' },
      'web-services': { type: 'string', default: '40' },
      budgets: { type: 'string', default: '300,3000' },
      'resync-period': { type: 'string', default: '10s' },
      'steady-periods': { type: 'string', default: '3' },
      rotations: { type: 'string', default: '10' },
      'state-transition-ms': { type: 'string', default: '300' },
      'baseline-parallelism': { type: 'string', default: '1' },
      'converge-timeout': { type: 'string', default: '5m' },
      'operator-logs': { type: 'boolean', default: false },
      compiled: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const budgets = values.budgets.split(',').map((b) => count('--budgets', b.trim(), 1));
  if (budgets.length === 0) throw new BenchFlagError('--budgets needs at least one value');
  return {
    samples: count('--samples', values.samples, 0),
    webServices: count('--web-services', values['web-services'], 0),
    budgets,
    resyncMs: duration('--resync-period', values['resync-period']),
    steadyPeriods: count('--steady-periods', values['steady-periods'], 0),
    rotations: count('--rotations', values.rotations, 0),
    stateTransitionMs: count('--state-transition-ms', values['state-transition-ms'], 0),
    baselineParallelism: count('--baseline-parallelism', values['baseline-parallelism'], 1),
    convergeTimeoutMs: duration('--converge-timeout', values['converge-timeout']),
    operatorLogs: values['operator-logs'],
    compiled: values.compiled,
  };
}

function count(flag: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new BenchFlagError(`${flag} must be an integer of at least ${min}, got "${raw}"`);
  return n;
}

/** `500ms`, `10s`, `2m`; a bare number is seconds. */
export function duration(flag: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim());
  if (match === null) throw new BenchFlagError(`${flag} must be a duration such as 10s or 2m, got "${raw}"`);
  const unit = match[2] ?? 's';
  const ms = Number(match[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1_000 : 60_000);
  if (ms <= 0) throw new BenchFlagError(`${flag} must be positive`);
  return ms;
}
