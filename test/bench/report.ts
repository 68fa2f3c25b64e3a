// The printed figures: one block per scenario (calls per integration by route, operator against
// baseline) and a summary table of ratios. Ratios are operator / baseline, both measured in the same run.
import { totalOf, writesOf, type RouteCounts } from './call-counts.ts';
import type { ScenarioResult } from './scenario.ts';

const MIB = 1024 * 1024;

export function formatScenario(r: ScenarioResult): string {
  const lines: string[] = [];
  lines.push(`== ${r.workload}, N=${r.n}, budget ${r.budget} requests/min ==`);
  lines.push(row(['', 'operator', 'baseline', 'op/base'], [44, 10, 10, 8]));
  const opCalls = totalOf(r.operator.calls);
  const baseCalls = totalOf(r.baseline.calls);
  lines.push(
    row(
      [
        'converge wall time, s (op: to all Ready)',
        sec(r.operator.wallMs),
        sec(r.baseline.wallMs),
        ratio(r.operator.wallMs, r.baseline.wallMs),
      ],
      [44, 10, 10, 8],
    ),
  );
  lines.push(row(['platform calls', String(opCalls), String(baseCalls), ratio(opCalls, baseCalls)], [44, 10, 10, 8]));
  lines.push(row(['platform calls per integration', per(opCalls, r.n), per(baseCalls, r.n), ratio(opCalls, baseCalls)], [44, 10, 10, 8]));
  lines.push(
    row(
      [
        'writes per integration',
        per(writesOf(r.operator.calls), r.n),
        per(writesOf(r.baseline.calls), r.n),
        ratio(writesOf(r.operator.calls), writesOf(r.baseline.calls)),
      ],
      [44, 10, 10, 8],
    ),
  );
  lines.push(row(['reconciles per integration', per(r.operator.reconciles, r.n), '-', ''], [44, 10, 10, 8]));
  lines.push(row(['operator peak RSS (VmHWM), MiB', (r.peakRssBytes / MIB).toFixed(0), '-', ''], [44, 10, 10, 8]));
  lines.push('  calls per integration by route:');
  for (const route of routesOf(r.operator.calls, r.baseline.calls)) {
    const op = r.operator.calls[route] ?? 0;
    const base = r.baseline.calls[route] ?? 0;
    lines.push(row([`    ${route}`, per(op, r.n), per(base, r.n), ratio(op, base)], [60, 8, 8, 8]));
  }
  if (r.steady !== undefined) {
    const s = r.steady;
    const opPerResync = totalOf(s.calls) / r.n / s.periods;
    const planPerRefresh = totalOf(r.refresh.calls) / r.n;
    lines.push(
      `  steady state, ${s.periods} resync periods (${sec(s.wallMs)} s): ${opPerResync.toFixed(2)} calls/integration/resync ` +
        `(plan refresh: ${planPerRefresh.toFixed(2)}, ratio ${ratio(opPerResync, planPerRefresh)}), writes ${s.writes}, ` +
        `reconciles/integration/resync ${(s.reconciles / r.n / s.periods).toFixed(2)}, calls per reconcile ${per(totalOf(s.calls), s.reconciles)}`,
    );
    lines.push(
      `    by route, per integration per resync: ${Object.entries(s.calls)
        .sort()
        .map(([route, n]) => `${route} ${(n / r.n / s.periods).toFixed(2)}`)
        .join('; ')}`,
    );
  }
  if (r.rotation !== undefined) {
    const sorted = [...r.rotation.latenciesMs].sort((a, b) => a - b);
    lines.push(
      `  Secret rotation to platform, ${sorted.length} times: median ${ms(quantile(sorted, 0.5))} ms, ` +
        `p90 ${ms(quantile(sorted, 0.9))} ms, min ${ms(sorted[0] ?? Number.NaN)} ms, max ${ms(sorted.at(-1) ?? Number.NaN)} ms; ` +
        `credential PUTs ${r.rotation.credentialUpdates}`,
    );
  }
  lines.push(`  SIGTERM to exit: ${ms(r.shutdownMs)} ms`);
  return lines.join('\n');
}

export function formatSummary(results: readonly ScenarioResult[]): string {
  const widths = [26, 9, 9, 7, 9, 9, 7, 8, 6, 9, 9, 7, 6];
  const lines = [
    'Summary (ratios are operator / Terraform-style baseline, same run, same emulator options and budget)',
    row(
      [
        'scenario',
        'conv op s',
        'base s',
        'ratio',
        'calls/int',
        'base/int',
        'ratio',
        'recs/int',
        'RSS MB',
        'idle c/i/r',
        'plan c/i',
        'ratio',
        'writes',
      ],
      widths,
    ),
  ];
  for (const r of results) {
    const opCalls = totalOf(r.operator.calls);
    const baseCalls = totalOf(r.baseline.calls);
    const idle = r.steady === undefined ? Number.NaN : totalOf(r.steady.calls) / r.n / r.steady.periods;
    const plan = totalOf(r.refresh.calls) / r.n;
    lines.push(
      row(
        [
          `${r.workload} N=${r.n} @${r.budget}`,
          sec(r.operator.wallMs),
          sec(r.baseline.wallMs),
          ratio(r.operator.wallMs, r.baseline.wallMs),
          per(opCalls, r.n),
          per(baseCalls, r.n),
          ratio(opCalls, baseCalls),
          per(r.operator.reconciles, r.n),
          (r.peakRssBytes / MIB).toFixed(0),
          Number.isNaN(idle) ? '-' : idle.toFixed(2),
          plan.toFixed(2),
          Number.isNaN(idle) ? '-' : ratio(idle, plan),
          r.steady === undefined ? '-' : String(r.steady.writes),
        ],
        widths,
      ),
    );
  }
  return lines.join('\n');
}

/** Nearest-rank quantile of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

function routesOf(a: RouteCounts, b: RouteCounts): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(
    (x, y) => (a[y] ?? 0) + (b[y] ?? 0) - ((a[x] ?? 0) + (b[x] ?? 0)) || x.localeCompare(y),
  );
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' ');
}

function sec(msValue: number): string {
  return (msValue / 1000).toFixed(1);
}

function ms(value: number): string {
  return value.toFixed(0);
}

function per(count: number, n: number): string {
  return n === 0 ? '-' : (count / n).toFixed(2);
}

function ratio(a: number, b: number): string {
  if (b === 0) return a === 0 ? '-' : 'inf';
  return (a / b).toFixed(2);
}
