// What a reconcile tells the work queue: when to look again, or (by throwing) to back off.
import type { Logger } from 'pino';
import type { ReconcileResult } from '../lib/reconcile-result.ts';
import { isWriteConflict, isWriteTargetGone, type WriteError } from '../lib/resource-writer.ts';
import type { ErrorVerdict } from './error-reasons.ts';

export type { ReconcileResult };

/** A retryable failure: the work queue backs the key off. Carries no secret (messages are scrubbed). */
export class ReconcileError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Look again at the next resync: the work queue spreads resources over the whole period (each at a slot of
 * its own) and serves resyncs after every other kind of work (src/lib/priority.ts).
 */
export function resync(periodMs: number): ReconcileResult {
  return { resyncPeriodMs: periodMs };
}

/** Look again after `afterMs` (work in progress, such as a poll) when given, else at the next resync. */
export function followUpOrResync(afterMs: number | undefined, periodMs: number): ReconcileResult {
  return afterMs === undefined ? resync(periodMs) : { requeueAfterMs: afterMs };
}

/**
 * How a pass that failed ends: a terminal failure waits for the next resync (a person must change something;
 * `what` heads its log line), a rate limit for the time the platform asked, anything else backs off.
 */
export function afterFailure(log: Logger, failure: ErrorVerdict, periodMs: number, what: string): ReconcileResult {
  if (failure.terminal) {
    log.warn({ reason: failure.reason }, `${what}: ${failure.message}`);
    return resync(periodMs);
  }
  if (failure.retryAfterMs !== undefined) return { requeueAfterMs: failure.retryAfterMs };
  throw new ReconcileError(failure.reason, failure.message);
}

/** How soon a resource whose write lost a race is looked at again: the watch brings its newer version meanwhile. */
const WRITE_RACE_REQUEUE_MS = 100;

/** A write to the resource lost a race (it changed since it was read, or it is gone): see settleWriteRaces. */
export function isWriteRace(error: unknown): error is WriteError {
  return isWriteConflict(error) || isWriteTargetGone(error);
}

/**
 * Runs one reconcile and settles, in this one place, the two races a write to the resource can lose, as
 * crossplane-runtime's managed reconciler does: a conflict is no failure (the newer version is looked at
 * again shortly, without a Warning or a backoff), and a resource that is gone needs nothing more.
 */
export async function settleWriteRaces(log: Logger, reconcile: () => Promise<ReconcileResult>): Promise<ReconcileResult> {
  try {
    return await reconcile();
  } catch (error) {
    if (isWriteConflict(error)) {
      log.debug('Saw a newer version of the resource; retrying');
      return { requeueAfterMs: WRITE_RACE_REQUEUE_MS };
    }
    if (isWriteTargetGone(error)) return {};
    throw error;
  }
}
