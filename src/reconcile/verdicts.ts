// The condition verdicts every kind's decide gives alike: a failure, and a pending create that may still
// appear on the platform (the marker a crash mid-create leaves, which decide reads again before creating).
import { RETRYABLE_REASONS } from '../api/index.ts';
import type { ConditionVerdict } from './model.ts';

/** How long a pending create may stay invisible to a list before the operator concludes it never happened. */
export const CREATE_GRACE_MS = 60_000;

export function failed(reason: ConditionVerdict['reason'], message: string): ConditionVerdict {
  return { status: 'False', reason, message };
}

/** Whether a create marked pending at `since` may still show up in a listing. */
export function pendingIsYoung(now: number, since: number | undefined): boolean {
  return since !== undefined && now - since < CREATE_GRACE_MS;
}

/** Synced while a create marked pending may still appear: `what` names the kind's object on the platform. */
export function incompleteCreate(what: 'integration' | 'action'): ConditionVerdict {
  return failed(
    RETRYABLE_REASONS.createIncomplete,
    `A create call may have reached the platform without an answer; looking for the ${what} before creating again`,
  );
}
