// Composes the status to write from what was there, what decide said and what act did. Pure.
import { CONDITION_TYPES, READY_REASONS, setCondition, SYNCED_REASONS, type DataActionIntegrationStatus } from '../api/index.ts';
import type { ConditionVerdict, Decision } from './model.ts';
import type { ErrorVerdict } from './error-reasons.ts';

export function composeStatus(
  current: DataActionIntegrationStatus,
  decision: Pick<Decision, 'status' | 'ready' | 'synced'> | undefined,
  learned: Partial<DataActionIntegrationStatus>,
  failure: ErrorVerdict | undefined,
  generation: number,
  now: Date,
  scrub: (text: string) => string,
): DataActionIntegrationStatus {
  const merged: Record<string, unknown> = { ...current };
  // A key set to undefined (by decide or act) means: remove it from the status.
  for (const patch of [decision?.status ?? {}, learned]) {
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) delete merged[key];
      else merged[key] = value;
    }
  }
  const synced: ConditionVerdict =
    failure === undefined
      ? (decision?.synced ?? { status: 'Unknown', reason: SYNCED_REASONS.reconcileSuccess, message: '' })
      : { status: 'False', reason: failure.reason, message: failure.message };
  const previousReady = current.conditions?.find((c) => c.type === CONDITION_TYPES.ready);
  let ready: ConditionVerdict;
  if (failure === undefined) ready = decision?.ready ?? { status: 'Unknown', reason: READY_REASONS.creating, message: '' };
  else if (failure.terminal || previousReady === undefined) ready = { status: 'False', reason: failure.reason, message: failure.message };
  // A passing failure leaves the last known readiness standing rather than flapping it.
  else ready = { status: previousReady.status, reason: previousReady.reason as ConditionVerdict['reason'], message: previousReady.message };

  let conditions = current.conditions ?? [];
  for (const [type, verdict] of [
    [CONDITION_TYPES.ready, ready],
    [CONDITION_TYPES.synced, synced],
  ] as const) {
    conditions = setCondition(
      conditions,
      { type, status: verdict.status, reason: verdict.reason, message: scrub(verdict.message), observedGeneration: generation },
      now,
    );
  }
  return { ...(merged as DataActionIntegrationStatus), observedGeneration: generation, conditions: conditions };
}

/**
 * The Warning Event a failure deserves: one per change of the Synced condition (reason, message or
 * generation), so a failure that persists over passes, or whose status write wakes the resource again,
 * is told once. Covers a blocker decide saw and an error thrown while acting alike.
 */
export function failureWarning(
  current: DataActionIntegrationStatus,
  next: DataActionIntegrationStatus,
): { readonly reason: string; readonly message: string } | undefined {
  const synced = next.conditions?.find((c) => c.type === CONDITION_TYPES.synced);
  if (synced === undefined || synced.status !== 'False') return undefined;
  const before = current.conditions?.find((c) => c.type === CONDITION_TYPES.synced);
  const same =
    before !== undefined &&
    before.status === synced.status &&
    before.reason === synced.reason &&
    before.message === synced.message &&
    before.observedGeneration === synced.observedGeneration;
  return same ? undefined : { reason: synced.reason, message: synced.message };
}
