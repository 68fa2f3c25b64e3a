export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One HTTP attempt, as the `observe` hook receives it (for metrics). */
export interface CallObservation {
  /** The path template, e.g. `/api/v2/integrations/{id}`: bounded cardinality, no ids. */
  readonly route: string;
  readonly method: HttpMethod;
  readonly status: number | 'network';
  readonly durationMs: number;
  /** True for every attempt after the first of one call. */
  readonly retry: boolean;
  readonly budgetWaitMs: number;
}

export interface ClientStats {
  /** Attempts by `"METHOD route"`, then by status (or `network`). */
  readonly calls: Record<string, Record<string, number>>;
  readonly retries: number;
  /** 429 answers received. */
  readonly rateLimited: number;
  /** Total milliseconds calls spent waiting for the request budget (429 pauses included). */
  readonly budgetWaitMs: number;
  readonly logins: number;
}

export class StatsRecorder {
  private readonly calls = new Map<string, Map<string, number>>();
  private retries = 0;
  private rateLimited = 0;
  private budgetWaitMs = 0;
  private logins = 0;

  record(o: CallObservation): void {
    const key = `${o.method} ${o.route}`;
    const byStatus = this.calls.get(key) ?? new Map<string, number>();
    const status = String(o.status);
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    this.calls.set(key, byStatus);
    if (o.retry) this.retries += 1;
    if (o.status === 429) this.rateLimited += 1;
    this.budgetWaitMs += o.budgetWaitMs;
  }

  recordLogin(): void {
    this.logins += 1;
  }

  snapshot(): ClientStats {
    const calls: Record<string, Record<string, number>> = {};
    for (const [key, byStatus] of this.calls) calls[key] = Object.fromEntries(byStatus);
    return {
      calls,
      retries: this.retries,
      rateLimited: this.rateLimited,
      budgetWaitMs: this.budgetWaitMs,
      logins: this.logins,
    };
  }
}
