// The soak's short form: three seeded cycles of changes and faults against the real operator, with every
// invariant checked after each cycle and after the final delete. A few minutes; the long form is
// `npm run soak -- --cycles 200` (README.md). It starts its own testbed and emulators.
import { describe, expect, it } from 'vitest';
import { formatSummary, formatViolations } from './report.ts';
import { runSoak } from './soak.ts';

// Seed 7 at this intensity found duplicate names in its first cycle on the operator before the fixes of issue 9
// (seed 20261129 at 5 changes and 5 faults per cycle did not: the defects are races, so intensity matters).
const SEED = 7;
const CYCLES = 3;

describe('the fault soak, short form', () => {
  it(`keeps every promise through ${CYCLES} cycles of faults (seed ${SEED})`, { timeout: 20 * 60_000 }, async () => {
    const result = await runSoak({
      seed: SEED,
      cycles: CYCLES,
      opsPerCycle: 8,
      faultsPerCycle: 8,
      faultWindowMs: 8_000,
      settleMs: 90_000,
      cycleLimitMs: 240_000,
      totalLimitMs: 18 * 60_000,
      fillers: 100,
      maxResources: 10,
      maxHoldMs: 45_000,
      echoLogs: process.env['SOAK_OPERATOR_LOGS'] === '1',
      progress: (line) => void process.stderr.write(`soak: ${line}\n`),
    });
    process.stdout.write(`${formatSummary(result)}\n`);
    expect(formatViolations(result)).toBe('');
    expect(result.cyclesRun).toBe(CYCLES);
  });
});
