// The faults the soak injects, chosen from the cycle's seed: platform faults through the emulator's
// control API, and process faults (operator crashes, Lease handovers, an API server restart).
import type { Emulator, FaultSpec } from '../emulator/index.ts';
import type { Rng } from './rng.ts';

export const SOAK_FAULT_KINDS = [
  'kill',
  'handover',
  'apiserver-restart',
  'rate-limit-storm',
  '5xx-burst',
  'drop',
  'commit-then-drop',
  'action-commit-then-drop',
  'latency-spike',
  'read-after-write-lag',
  'list-lag',
  'shifting-list',
] as const;
export type SoakFaultKind = (typeof SOAK_FAULT_KINDS)[number];

/** How often each kind is drawn, relative to the others. */
const WEIGHTS: Record<SoakFaultKind, number> = {
  kill: 3,
  handover: 2,
  'apiserver-restart': 1,
  'rate-limit-storm': 2,
  '5xx-burst': 2,
  drop: 3,
  'commit-then-drop': 4,
  'action-commit-then-drop': 3,
  'latency-spike': 2,
  'read-after-write-lag': 3,
  'list-lag': 2,
  'shifting-list': 2,
};

export const WRITE_ROUTES = [
  'POST /api/v2/integrations',
  'PATCH /api/v2/integrations/{id}',
  'DELETE /api/v2/integrations/{id}',
  'PUT /api/v2/integrations/{id}/config/current',
  'POST /api/v2/integrations/credentials',
  'PUT /api/v2/integrations/credentials/{id}',
  'DELETE /api/v2/integrations/credentials/{id}',
] as const;

/** The actions' write routes the operator calls; a create whose answer is lost is the case that matters most. */
export const ACTION_WRITE_ROUTES = [
  'POST /api/v2/integrations/actions',
  'DELETE /api/v2/integrations/actions/{id}',
  'POST /api/v2/integrations/actions/{id}/draft',
  'PATCH /api/v2/integrations/actions/{id}/draft',
  'POST /api/v2/integrations/actions/{id}/draft/publish',
  'DELETE /api/v2/integrations/actions/{id}/draft',
] as const;

const ACTION_READ_ROUTES = [
  'GET /api/v2/integrations/actions',
  'GET /api/v2/integrations/actions/{id}',
  'GET /api/v2/integrations/actions/{id}/draft',
  'GET /api/v2/integrations/actions/{id}/draft/validation',
] as const;

const READ_ROUTES = [
  'GET /api/v2/integrations',
  'GET /api/v2/integrations/{id}',
  'GET /api/v2/integrations/{id}/config/current',
  'GET /api/v2/integrations/credentials/{id}',
] as const;

export function drawFaultKind(rng: Rng): SoakFaultKind {
  const total = SOAK_FAULT_KINDS.reduce((sum, kind) => sum + WEIGHTS[kind], 0);
  let point = rng.next() * total;
  for (const kind of SOAK_FAULT_KINDS) {
    point -= WEIGHTS[kind];
    if (point < 0) return kind;
  }
  return 'drop';
}

/** A platform fault: what it does to one emulator. Its label names the route, for the detailed log. */
export interface PlatformFault {
  readonly label: string;
  inject(emulator: Emulator): void;
  /** How long the fault stays after it is injected, when it outlasts the change window. */
  readonly holdMs?: number;
  lift?(emulator: Emulator): void;
}

/** The platform fault of `kind` with seeded parameters; undefined for the process faults. */
export function platformFault(kind: SoakFaultKind, rng: Rng, maxHoldMs: number): PlatformFault | undefined {
  const fault = (spec: FaultSpec): PlatformFault => ({
    label: `${spec.kind} ${spec.route}${spec.times === undefined ? '' : ` x${spec.times}`}`,
    inject: (emulator) => {
      emulator.control.addFault(spec);
    },
  });
  switch (kind) {
    case 'rate-limit-storm':
      return fault({ route: '*', kind: 'rateLimit', times: rng.int(10, 80), retryAfterSeconds: rng.int(1, 4) });
    case '5xx-burst':
      return fault({
        route: rng.pick(['*', ...WRITE_ROUTES, ...READ_ROUTES, ...ACTION_WRITE_ROUTES, ...ACTION_READ_ROUTES]),
        kind: 'status',
        status: rng.pick([500, 502, 503, 504]),
        times: rng.int(2, 12),
      });
    case 'drop':
      return fault({
        route: rng.pick([...WRITE_ROUTES, ...READ_ROUTES, ...ACTION_WRITE_ROUTES, ...ACTION_READ_ROUTES]),
        kind: 'drop',
        times: rng.int(1, 3),
      });
    case 'commit-then-drop':
      return fault({ route: rng.pick(WRITE_ROUTES), kind: 'commitThenDrop', times: rng.int(1, 2) });
    case 'action-commit-then-drop': {
      // Half of them on the create: the answer lost after the action exists is what the pending mark is for.
      const route = rng.chance(0.5) ? ACTION_WRITE_ROUTES[0] : rng.pick(ACTION_WRITE_ROUTES);
      return fault({ route, kind: 'commitThenDrop', times: rng.int(1, 2) });
    }
    case 'latency-spike':
      return fault({
        route: '*',
        kind: 'latencySpike',
        fraction: rng.pick([0.1, 0.3, 0.5]),
        latencyMs: rng.int(500, 4000),
        seed: rng.int(1, 1_000_000),
      });
    case 'shifting-list':
      return fault({ route: 'GET /api/v2/integrations', kind: 'listShift', shift: rng.pick([1, 1, 2, -1]) });
    case 'read-after-write-lag': {
      // Held past the change window, so that creates and writes of the next seconds all meet it.
      const lagMs = rng.int(1000, 15_000);
      const holdMs = Math.min(rng.int(10_000, 60_000), maxHoldMs);
      return {
        label: `readAfterWriteLagMs ${lagMs} for ${holdMs} ms`,
        holdMs,
        inject: (e) => void e.control.setConsistency({ readAfterWriteLagMs: lagMs }),
        lift: (e) => void e.control.setConsistency({ readAfterWriteLagMs: 0 }),
      };
    }
    case 'list-lag': {
      // Up to past the operator's create grace period (a minute), as issue 9 describes.
      const lagMs = Math.min(rng.int(5_000, 90_000), maxHoldMs);
      return {
        label: `listLagMs ${lagMs} for as long`,
        holdMs: lagMs,
        inject: (e) => void e.control.setConsistency({ listLagMs: lagMs }),
        lift: (e) => void e.control.setConsistency({ listLagMs: 0 }),
      };
    }
    default:
      return undefined;
  }
}

/** Clears every platform fault and consistency delay. */
export function clearPlatformFaults(emulator: Emulator): void {
  emulator.control.clearFaults();
  emulator.control.setConsistency({ listLagMs: 0, readAfterWriteLagMs: 0 });
}
