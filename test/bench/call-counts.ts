// Platform call counts between two snapshots of the emulator's counter, by route key.
import type { CallCounts } from '../emulator/index.ts';

/** Calls per route key ("GET /api/v2/integrations/{id}") made between `before` and `after`. */
export type RouteCounts = Readonly<Record<string, number>>;

export function callsBetween(before: CallCounts, after: CallCounts): RouteCounts {
  const counts: Record<string, number> = {};
  for (const [route, entry] of Object.entries(after.byRoute)) {
    const n = entry.count - (before.byRoute[route]?.count ?? 0);
    if (n > 0) counts[route] = n;
  }
  return counts;
}

export function totalOf(counts: RouteCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** Calls that change something on the platform. A login is a POST but changes nothing there. */
export function writesOf(counts: RouteCounts): number {
  return Object.entries(counts)
    .filter(([route]) => /^(POST|PUT|PATCH|DELETE) /.test(route) && route !== 'POST /oauth/token')
    .reduce((sum, [, n]) => sum + n, 0);
}
