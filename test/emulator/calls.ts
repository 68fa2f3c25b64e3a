// Counts of calls per route key and per response status ("dropped" when the socket was destroyed).
export type CallOutcome = number | 'dropped';

export interface CallCounts {
  total: number;
  byStatus: Record<string, number>;
  byRoute: Record<string, { count: number; byStatus: Record<string, number> }>;
}

export class CallCounter {
  private counts: CallCounts = emptyCounts();

  record(key: string, outcome: CallOutcome): void {
    const status = String(outcome);
    const route = (this.counts.byRoute[key] ??= { count: 0, byStatus: {} });
    route.count += 1;
    route.byStatus[status] = (route.byStatus[status] ?? 0) + 1;
    this.counts.byStatus[status] = (this.counts.byStatus[status] ?? 0) + 1;
    this.counts.total += 1;
  }

  snapshot(): CallCounts {
    return structuredClone(this.counts);
  }

  reset(): void {
    this.counts = emptyCounts();
  }
}

function emptyCounts(): CallCounts {
  return { total: 0, byStatus: {}, byRoute: {} };
}
