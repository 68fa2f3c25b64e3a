// Composes the status to write from what was there, what decide said and what act did. Pure. One merge and
// one Ready/Synced rule serve every kind; a kind gives only its defaults and any condition of its own.
import {
  CONDITION_TYPES,
  READY_REASONS,
  setCondition,
  SYNCED_REASONS,
  type Condition,
  type DataActionIntegrationStatus,
} from '../api/index.ts';
import type { ConditionVerdict, Decision } from './model.ts';
import type { ErrorVerdict } from './error-reasons.ts';

/** What every managed kind's status holds: its conditions and the generation they were set from. */
export type ManagedStatus = Readonly<Record<string, unknown>> & {
  readonly observedGeneration?: number | undefined;
  readonly conditions?: Condition[] | undefined;
};

/** A condition to set, of any kind's reasons. */
export type ConditionSetting = readonly [type: string, verdict: Omit<ConditionVerdict, 'reason'> & { readonly reason: string }];

/** How a pass ends in Ready and Synced, given what decide said and what failed. */
export interface ManagedPass<S extends ManagedStatus> {
  readonly current: S;
  readonly decision: { readonly status: Partial<S>; readonly ready: ConditionVerdict; readonly synced: ConditionVerdict } | undefined;
  readonly learned: Partial<S>;
  readonly failure: ErrorVerdict | undefined;
  readonly generation: number;
  readonly now: Date;
}

export interface ManagedStatusRules {
  /** Ready when decide said nothing about it. */
  readonly unknownReady: ConditionVerdict;
  /** Whether Ready keeps what it said through this failure (the resource still serves), when it said anything. */
  readonly readyHolds: (failure: ErrorVerdict) => boolean;
  /** Conditions of the kind's own, set after Ready and Synced. */
  readonly extra?: readonly ConditionSetting[] | undefined;
  readonly scrub?: ((text: string) => string) | undefined;
}

/** The status of any managed kind: the merge of decide's and act's fields, Ready, Synced, observedGeneration. */
export function composeManagedStatus<S extends ManagedStatus>(pass: ManagedPass<S>, rules: ManagedStatusRules): S {
  const { current, decision, failure, generation } = pass;
  const merged = mergeStatus(current, decision?.status ?? {}, pass.learned);
  const synced: ConditionVerdict =
    failure === undefined
      ? (decision?.synced ?? { status: 'Unknown', reason: SYNCED_REASONS.reconcileSuccess, message: '' })
      : { status: 'False', reason: failure.reason, message: failure.message };
  const previousReady = current.conditions?.find((c) => c.type === CONDITION_TYPES.ready);
  let ready: ConditionVerdict;
  if (failure === undefined) ready = decision?.ready ?? rules.unknownReady;
  else if (!rules.readyHolds(failure) || previousReady === undefined)
    ready = { status: 'False', reason: failure.reason, message: failure.message };
  // A passing failure leaves the last known readiness standing rather than flapping it.
  else ready = { status: previousReady.status, reason: previousReady.reason as ConditionVerdict['reason'], message: previousReady.message };

  const scrub = rules.scrub ?? ((text: string): string => text);
  let conditions = current.conditions ?? [];
  const settings: ConditionSetting[] = [[CONDITION_TYPES.ready, ready], [CONDITION_TYPES.synced, synced], ...(rules.extra ?? [])];
  for (const [type, verdict] of settings) {
    conditions = setCondition(
      conditions,
      { type, status: verdict.status, reason: verdict.reason, message: scrub(verdict.message), observedGeneration: generation },
      pass.now,
    );
  }
  return { ...merged, observedGeneration: generation, conditions };
}

/** `current` with each patch laid over it in order; a key set to undefined (by decide or act) is removed. */
export function mergeStatus<S extends object>(current: S, ...patches: readonly Partial<S>[]): S {
  const merged = { ...current } as Record<string, unknown>;
  for (const patch of patches) {
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) delete merged[key];
      else merged[key] = value;
    }
  }
  return merged as S;
}

export function composeStatus(
  current: DataActionIntegrationStatus,
  decision: Pick<Decision, 'status' | 'ready' | 'synced'> | undefined,
  learned: Partial<DataActionIntegrationStatus>,
  failure: ErrorVerdict | undefined,
  generation: number,
  now: Date,
  scrub: (text: string) => string,
): DataActionIntegrationStatus {
  return composeManagedStatus(
    { current, decision, learned, failure, generation, now },
    {
      unknownReady: { status: 'Unknown', reason: READY_REASONS.creating, message: '' },
      readyHolds: (f) => !f.terminal,
      scrub,
    },
  );
}

/**
 * The Warning Event a failure deserves: one per change of the Synced condition (reason, message or
 * generation), so a failure that persists over passes, or whose status write wakes the resource again,
 * is told once. Covers a blocker decide saw and an error thrown while acting alike.
 */
export function failureWarning(
  current: ManagedStatus,
  next: ManagedStatus,
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
