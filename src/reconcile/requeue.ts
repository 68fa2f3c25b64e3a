// What a reconcile tells the work queue: when to look again, or (by throwing) to back off.

export type { ReconcileResult } from '../lib/reconcile-result.ts';

/** A retryable failure: the work queue backs the key off. Carries no secret (messages are scrubbed). */
export class ReconcileError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Resyncs spread over ±10% so many resources never hit the platform in one burst. */
export function jitter(ms: number): number {
  return Math.round(ms * (0.9 + Math.random() * 0.2));
}
