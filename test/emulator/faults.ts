// Injected failures, aimed at route keys ("POST /api/v2/integrations") or "*" / "<METHOD> *".
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export const FAULT_KINDS = ['latency', 'latencySpike', 'listShift', 'status', 'rateLimit', 'drop', 'commitThenDrop'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Kinds that change how a call is served rather than answering it; they stack with each other and with one other fault. */
const MODIFIERS: ReadonlySet<FaultKind> = new Set(['latency', 'latencySpike', 'listShift']);

export const faultSpecSchema = z
  .object({
    route: z.string().min(1),
    kind: z.enum(FAULT_KINDS),
    /** How many matching calls the fault hits; omitted means every call until the faults are cleared. */
    times: z.number().int().positive().optional(),
    status: z.number().int().min(400).max(599).optional(),
    latencyMs: z.number().int().nonnegative().optional(),
    retryAfterSeconds: z.number().int().nonnegative().optional(),
    /** latencySpike: the share of matching calls delayed by latencyMs (default 0.2). */
    fraction: z.number().min(0).max(1).optional(),
    /** latencySpike: seeds which calls are delayed, so a run replays (default 1). */
    seed: z.number().int().optional(),
    /** listShift: entries that vanished (positive) or appeared (negative) before the page asked for (default 1). */
    shift: z
      .number()
      .int()
      .refine((n) => n !== 0, 'shift must not be 0')
      .optional(),
  })
  .strict();
export type FaultSpec = z.infer<typeof faultSpecSchema>;

export interface Fault {
  readonly id: string;
  readonly route: string;
  readonly kind: FaultKind;
  /** null = unlimited (JSON has no Infinity). */
  remaining: number | null;
  hits: number;
  readonly status: number;
  readonly latencyMs: number;
  readonly retryAfterSeconds: number;
  readonly fraction: number;
  readonly seed: number;
  readonly shift: number;
}

/** What the server must do to one call. */
export interface FaultPlan {
  readonly latencyMs: number;
  /** How far a paged listing's window moves on pages after the first (0: not at all). */
  readonly listShift: number;
  readonly action?: Fault;
}

export class FaultRegistry {
  private faults: Fault[] = [];
  /** One seeded generator per latencySpike fault, by id. */
  private readonly draws = new Map<string, () => number>();

  add(spec: FaultSpec): Fault {
    const fault: Fault = {
      id: randomUUID(),
      route: spec.route.trim().replace(/\s+/g, ' '),
      kind: spec.kind,
      remaining: spec.times ?? null,
      hits: 0,
      status: spec.status ?? 503,
      latencyMs: spec.latencyMs ?? 1000,
      retryAfterSeconds: spec.retryAfterSeconds ?? 1,
      fraction: spec.fraction ?? 0.2,
      seed: spec.seed ?? 1,
      shift: spec.shift ?? 1,
    };
    this.faults.push(fault);
    if (fault.kind === 'latencySpike') this.draws.set(fault.id, seededDraws(fault.seed));
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
    this.draws.clear();
  }

  /**
   * Consumes the faults that hit this call: every matching modifier (latency, a latency spike that draws
   * this call, a list shift), then the first other one.
   */
  plan(method: string, key: string): FaultPlan {
    let latencyMs = 0;
    let listShift = 0;
    let action: Fault | undefined;
    for (const fault of this.faults) {
      if (!matches(fault.route, method, key)) continue;
      if (fault.kind === 'latencySpike') {
        // Every matching call draws, so which calls are delayed depends only on the seed and the call order.
        const draw = this.draws.get(fault.id)?.() ?? 1;
        if (draw >= fault.fraction) continue;
        latencyMs += fault.latencyMs;
        consume(fault);
      } else if (MODIFIERS.has(fault.kind)) {
        if (fault.kind === 'latency') latencyMs += fault.latencyMs;
        else listShift += fault.shift;
        consume(fault);
      } else if (action === undefined) {
        action = fault;
        consume(fault);
      }
    }
    this.faults = this.faults.filter((f) => f.remaining !== 0);
    for (const id of this.draws.keys()) if (!this.faults.some((f) => f.id === id)) this.draws.delete(id);
    return action === undefined ? { latencyMs, listShift } : { latencyMs, listShift, action };
  }
}

/** mulberry32: a small seeded generator of floats in [0, 1). */
function seededDraws(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function matches(route: string, method: string, key: string): boolean {
  return route === '*' || route === key || route === `${method} *`;
}

function consume(fault: Fault): void {
  fault.hits += 1;
  if (fault.remaining !== null) fault.remaining -= 1;
}
