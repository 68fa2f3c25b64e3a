// The soak's output: the violations in detail, then one line of counts.
import { VIOLATION_KINDS } from './invariants.ts';
import type { SoakResult } from './soak.ts';

export function formatViolations(result: SoakResult): string {
  if (result.violations.length === 0) return '';
  const when = (cycle: number): string => (cycle > result.cyclesRun ? 'after the final delete' : `cycle ${cycle}`);
  return result.violations.map((v) => `violation: ${when(v.cycle)} ${v.kind}: ${v.detail}`).join('\n');
}

/** One line: cycles, faults by kind, kills, handovers, API server restarts, violations, and how to replay. */
export function formatSummary(result: SoakResult): string {
  const faults = Object.entries(result.faults).filter(([, n]) => n > 0);
  const totalFaults = faults.reduce((sum, [, n]) => sum + n, 0);
  const byKind = VIOLATION_KINDS.map((kind) => [kind, result.violations.filter((v) => v.kind === kind).length] as const).filter(
    ([, n]) => n > 0,
  );
  const first = result.violations.reduce<number | undefined>((min, v) => (min === undefined || v.cycle < min ? v.cycle : min), undefined);
  const perCycle =
    result.cycleDurationsMs.length === 0 ? 0 : result.cycleDurationsMs.reduce((a, b) => a + b, 0) / result.cycleDurationsMs.length;
  return [
    `soak: seed ${result.seed}`,
    `cycles ${result.cyclesRun}/${result.cyclesPlanned}${result.stoppedEarly === undefined ? '' : ` (stopped: ${result.stoppedEarly})`}`,
    `faults ${totalFaults} (${faults.map(([k, n]) => `${k} ${n}`).join(', ') || 'none'})`,
    `kills ${result.kills}`,
    `handovers ${result.handovers}`,
    `apiserver restarts ${result.apiserverRestarts}`,
    `violations ${result.violations.length}${byKind.length === 0 ? '' : ` (${byKind.map(([k, n]) => `${k} ${n}`).join(', ')})`}`,
    first === undefined
      ? 'replay: none needed'
      : first > result.cyclesRun
        ? `replay: --seed ${result.seed} --cycles ${result.cyclesRun} ${result.shape} (failure after the final delete)`
        : `replay: --seed ${result.seed} --cycles ${first} ${result.shape} (first failure in cycle ${first})`,
    `${(result.totalMs / 1000).toFixed(0)} s, ${(perCycle / 1000).toFixed(1)} s per cycle`,
  ].join(' | ');
}
