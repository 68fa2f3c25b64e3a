// The benchmark's flags. The defaults give the figures B1-B4 of issue 13 and B5 of issue 12 at full scale in about half an hour
// on 2 cores; --quick gives every figure at a tenth of the scale in a few minutes, as a smoke run.
import { parseArgs } from 'node:util';

export const FIGURES = ['B1', 'B2', 'B3', 'B4', 'B5'] as const;
export type Figure = (typeof FIGURES)[number];

export interface BenchOptions {
  /** The figures to measure, in order. */
  readonly only: readonly Figure[];
  /** 1 for the scale; 0.1 with --quick (B5: 20 actions of 100). */
  readonly scale: number;
  readonly quick: boolean;
  /** The emulator's ACTIVATING -> ACTIVE delay. */
  readonly stateTransitionMs: number;
  /** B1 and B4: the org's requestsPerMinute (the platform's default). */
  readonly budget: number;
  /** B2: the org's requestsPerMinute while converging and at steady state (high, so that no resync is budget-bound). */
  readonly steadyBudget: number;
  /** B2: the operator's --resync-period. */
  readonly resyncMs: number;
  /** B2: resync periods counted, after one period to settle. */
  readonly steadyPeriods: number;
  /** B3: organizations, each with the install-limit mix (250 each, or 25 with --quick). */
  readonly orgs: number;
  /** B3: how long the operator is watched while 5,000 resources arrive. */
  readonly windowMs: number;
  /** B4: Secret rotations, one per Web services integration, started this far apart. */
  readonly rotations: number;
  readonly rotationSpacingMs: number;
  /** B4: a rotation not seen at the emulator by then counts as missed. */
  readonly rotationTimeoutMs: number;
  /** B1: give up on convergence after this long. */
  readonly convergeTimeoutMs: number;
  /** Echo the operator's log lines to stderr. */
  readonly operatorLogs: boolean;
  /** Run the operator through tsx (src/main.ts) instead of compiled (node dist/main.js, as the image runs it). */
  readonly tsx: boolean;
}

export class BenchFlagError extends Error {
  readonly code = 'BenchBadFlag';
}

export const BENCH_USAGE = `Usage: npm run bench -- [flags]
  --only <B1,B2,B3,B4,B5>      figures to measure (default all)
  --quick                      a tenth of the scale (B5: 20 actions), shorter windows: a smoke run of a few minutes
  --state-transition-ms <n>    emulator ACTIVATING -> ACTIVE delay (default 300)
  --budget <n>                 B1, B4, B5: the org's requests per minute (default 300, the platform's default)
  --steady-budget <n>          B2: the org's requests per minute (default 6000)
  --resync-period <duration>   B2: the operator's resync period (default 30s; --quick 10s)
  --steady-periods <n>         B2: resync periods counted after one to settle (default 3; --quick 2)
  --orgs <n>                   B3: organizations of 250 integrations each (default 20; --quick 4 of 25)
  --window <duration>          B3: how long the operator is watched (default 180s; --quick 45s)
  --rotations <n>              B4: Secret rotations, one per Web services integration (default 10; --quick 3)
  --rotation-spacing <dur>     B4: time between rotation starts (default 3s)
  --rotation-timeout <dur>     B4: a rotation not at the platform by then is reported missed (default 300s; --quick 120s)
  --converge-timeout <dur>     B1, B5: give up waiting for Ready after this long (default 30m)
  --operator-logs              echo the operator's logs to stderr
  --tsx                        run src/main.ts through tsx instead of the compiled dist/main.js
`;

export function parseBenchFlags(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      only: { type: 'string', default: FIGURES.join(',') },
      quick: { type: 'boolean', default: false },
      'state-transition-ms': { type: 'string', default: '300' },
      budget: { type: 'string', default: '300' },
      'steady-budget': { type: 'string', default: '6000' },
      'resync-period': { type: 'string' },
      'steady-periods': { type: 'string' },
      orgs: { type: 'string' },
      window: { type: 'string' },
      rotations: { type: 'string' },
      'rotation-spacing': { type: 'string', default: '3s' },
      'rotation-timeout': { type: 'string' },
      'converge-timeout': { type: 'string', default: '30m' },
      'operator-logs': { type: 'boolean', default: false },
      tsx: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick;
  const only = values.only.split(',').map((f) => f.trim().toUpperCase());
  const unknown = only.filter((f) => !(FIGURES as readonly string[]).includes(f));
  if (unknown.length > 0 || only.length === 0)
    throw new BenchFlagError(`--only takes figures among ${FIGURES.join(', ')}, got "${values.only}"`);
  return {
    only: FIGURES.filter((f) => only.includes(f)),
    scale: quick ? 0.1 : 1,
    quick,
    stateTransitionMs: count('--state-transition-ms', values['state-transition-ms'], 0),
    budget: count('--budget', values.budget, 1),
    steadyBudget: count('--steady-budget', values['steady-budget'], 1),
    resyncMs: duration('--resync-period', values['resync-period'] ?? (quick ? '10s' : '30s')),
    steadyPeriods: count('--steady-periods', values['steady-periods'] ?? (quick ? '2' : '3'), 1),
    orgs: count('--orgs', values.orgs ?? (quick ? '4' : '20'), 1),
    windowMs: duration('--window', values.window ?? (quick ? '45s' : '180s')),
    rotations: count('--rotations', values.rotations ?? (quick ? '3' : '10'), 1),
    rotationSpacingMs: duration('--rotation-spacing', values['rotation-spacing']),
    rotationTimeoutMs: duration('--rotation-timeout', values['rotation-timeout'] ?? (quick ? '120s' : '300s')),
    convergeTimeoutMs: duration('--converge-timeout', values['converge-timeout']),
    operatorLogs: values['operator-logs'],
    tsx: values.tsx,
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
