// Injected failures, aimed at route keys ("POST /api/v2/integrations") or "*" / "<METHOD> *".
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export const FAULT_KINDS = ['latency', 'status', 'rateLimit', 'drop', 'commitThenDrop'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const faultSpecSchema = z
  .object({
    route: z.string().min(1),
    kind: z.enum(FAULT_KINDS),
    /** How many matching calls the fault hits; omitted means every call until the faults are cleared. */
    times: z.number().int().positive().optional(),
    status: z.number().int().min(400).max(599).optional(),
    latencyMs: z.number().int().nonnegative().optional(),
    retryAfterSeconds: z.number().int().nonnegative().optional(),
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
}

/** What the server must do to one call. */
export interface FaultPlan {
  readonly latencyMs: number;
  readonly action?: Fault;
}

export class FaultRegistry {
  private faults: Fault[] = [];

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
    };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }

  /** Consumes the faults that hit this call: every matching latency fault, then the first other one. */
  plan(method: string, key: string): FaultPlan {
    let latencyMs = 0;
    let action: Fault | undefined;
    for (const fault of this.faults) {
      if (!matches(fault.route, method, key)) continue;
      if (fault.kind === 'latency') {
        latencyMs += fault.latencyMs;
        consume(fault);
      } else if (action === undefined) {
        action = fault;
        consume(fault);
      }
    }
    this.faults = this.faults.filter((f) => f.remaining !== 0);
    return action === undefined ? { latencyMs } : { latencyMs, action };
  }
}

function matches(route: string, method: string, key: string): boolean {
  return route === '*' || route === key || route === `${method} *`;
}

function consume(fault: Fault): void {
  fault.hits += 1;
  if (fault.remaining !== null) fault.remaining -= 1;
}
