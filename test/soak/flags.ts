// `npm run soak -- --seed N --cycles N [...]`: the soak's flags, with defaults sized for a few minutes per 3 cycles.
import { parseArgs } from 'node:util';
import type { SoakOptions } from './soak.ts';

export const SOAK_USAGE = `Usage: npm run soak -- [--seed n] [--cycles n] [flags]
  --seed n                 seeds every choice (default: from the clock, printed)
  --cycles n               cycles to run (default 3)
  --ops-per-cycle n        changes per cycle: create, rename, rotate, toggle, adopt, delete (default 5)
  --faults-per-cycle n     faults injected per cycle (default 4)
  --fault-window-ms n      changes and faults land within this window of each cycle (default 8000)
  --settle-ms n            longest wait for the invariants after faults are cleared (default 90000)
  --cycle-limit-ms n       a cycle never takes longer (default 240000)
  --total-limit-ms n       no cycle starts after this much time (default cycles x cycle limit)
  --fillers n              integrations made by hand per org, so listings span pages (default 100)
  --max-resources n        live DataActionIntegrations at most (default 10)
  --max-hold-ms n          list lag and read-after-write lag last at most this long (default 90000)
  --echo-logs              copy the operators' log lines to stderr
  --quiet                  only the violations and the summary line
`;

export type SoakFlags = Omit<SoakOptions, 'progress'> & { readonly quiet: boolean };

function integer(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) throw new TypeError(`--${name} must be an integer of at least ${min}`);
  return parsed;
}

export function parseSoakFlags(argv: readonly string[]): SoakFlags | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seed: { type: 'string' },
      cycles: { type: 'string' },
      'ops-per-cycle': { type: 'string' },
      'faults-per-cycle': { type: 'string' },
      'fault-window-ms': { type: 'string' },
      'settle-ms': { type: 'string' },
      'cycle-limit-ms': { type: 'string' },
      'total-limit-ms': { type: 'string' },
      fillers: { type: 'string' },
      'max-resources': { type: 'string' },
      'max-hold-ms': { type: 'string' },
      'echo-logs': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help === true) return 'help';
  const cycles = integer('cycles', values.cycles, 3, 1);
  const cycleLimitMs = integer('cycle-limit-ms', values['cycle-limit-ms'], 240_000, 10_000);
  return {
    seed: integer('seed', values.seed, Date.now() % 1_000_000),
    cycles,
    opsPerCycle: integer('ops-per-cycle', values['ops-per-cycle'], 5),
    faultsPerCycle: integer('faults-per-cycle', values['faults-per-cycle'], 4),
    faultWindowMs: integer('fault-window-ms', values['fault-window-ms'], 8_000),
    settleMs: integer('settle-ms', values['settle-ms'], 90_000),
    cycleLimitMs,
    totalLimitMs: integer('total-limit-ms', values['total-limit-ms'], cycles * cycleLimitMs + 300_000),
    fillers: integer('fillers', values.fillers, 100),
    maxResources: integer('max-resources', values['max-resources'], 10, 1),
    maxHoldMs: integer('max-hold-ms', values['max-hold-ms'], 90_000),
    echoLogs: values['echo-logs'] === true,
    quiet: values.quiet === true,
  };
}
