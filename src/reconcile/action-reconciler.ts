// The reconciler for DataActions: observe -> decide -> act -> status, with the promises of the
// integrations' reconciler: a pending mark and a marker name (no duplicate after a crash), Ready and
// Synced with reasons, observedGeneration, drift reverted at resync, Delete/Orphan, adoption by annotation.
import {
  ACTION_REASONS,
  CONDITION_TYPES,
  DATA_ACTION_NAMES,
  setCondition,
  SYNCED_REASONS,
  TERMINAL_REASONS,
  type Condition,
  type DataActionStatus,
} from '../api/index.ts';
import type { TestExecutionResult } from '../platform/index.ts';
import { actOnAction, DraftInvalidError } from './action-act.ts';
import { decideAction } from './action-decide.ts';
import type { ActionDecision } from './action-model.ts';
import { observeAction, type ActionReconcilerDeps } from './action-observe.ts';
import { testedForStatus, testedVerdict } from './action-tested.ts';
import { verdictFor, type ErrorVerdict } from './error-reasons.ts';
import type { ConditionVerdict } from './model.ts';
import { followUpOrResync, isWriteRace, ReconcileError, resync, settleWriteRaces, type ReconcileResult } from './requeue.ts';
import { failureWarning } from './status.ts';

export async function reconcileAction(deps: ActionReconcilerDeps, namespace: string, name: string): Promise<ReconcileResult> {
  const log = deps.logger.child({ kind: DATA_ACTION_NAMES.kind, namespace, name });
  return settleWriteRaces(log, () => reconcileOnce(deps, log, namespace, name));
}

async function reconcileOnce(
  deps: ActionReconcilerDeps,
  log: ActionReconcilerDeps['logger'],
  namespace: string,
  name: string,
): Promise<ReconcileResult> {
  const object = deps.actions.get(namespace, name);
  if (object === undefined) return {};
  const current = (object as { status?: DataActionStatus }).status ?? {};
  const generation = object.metadata?.generation ?? 0;
  let decision: ActionDecision | undefined;
  let latest = object;
  let learned: Partial<DataActionStatus> = {};
  let tested: TestExecutionResult | undefined;
  let failure: ErrorVerdict | undefined;
  let error: unknown;
  try {
    const observed = await observeAction(deps, object);
    if (!observed.ok) {
      failure = { reason: TERMINAL_REASONS.invalidSpec, message: observed.message, terminal: true, retryAfterMs: undefined };
    } else {
      decision = decideAction(observed.observation);
      const outcome = await actOnAction(deps, object, observed.client, decision.steps);
      latest = outcome.object;
      learned = outcome.status;
      tested = testedForStatus(outcome.tested, object, deps.scrubber);
      for (const event of [...decision.events, ...outcome.events]) {
        deps.events.record(latest, event.type, event.reason, deps.scrubber.scrub(event.message));
      }
      if (outcome.released) {
        log.info('Released the action after deleting it from the platform');
        return {};
      }
      error = outcome.error;
    }
  } catch (thrown) {
    error = thrown;
  }
  if (error !== undefined) {
    if (isWriteRace(error)) throw error;
    failure =
      error instanceof DraftInvalidError
        ? { reason: ACTION_REASONS.draftInvalid, message: error.message, terminal: true, retryAfterMs: undefined }
        : verdictFor(error);
    failure = { ...failure, message: deps.scrubber.scrub(failure.message) };
  }

  const status = composeActionStatus(current, decision, learned, failure, tested, generation, new Date(deps.now()));
  await deps.actionWriter.writeStatus(latest, current, status);
  const warning = failureWarning(current, status);
  if (warning !== undefined) deps.events.record(latest, 'Warning', warning.reason, deps.scrubber.scrub(warning.message));

  if (failure !== undefined) {
    if (failure.terminal) {
      log.warn({ reason: failure.reason }, `Could not sync: ${failure.message}`);
      return resync(deps.resyncMs);
    }
    if (failure.retryAfterMs !== undefined) return { requeueAfterMs: failure.retryAfterMs };
    throw new ReconcileError(failure.reason, failure.message);
  }
  if (decision !== undefined && decision.steps.length > 0) log.info({ steps: decision.steps.map((s) => s.type) }, 'Reconciled action');
  return followUpOrResync(decision?.requeueAfterMs, deps.resyncMs);
}

/**
 * The status to write. A failure while acting says so in Synced; Ready keeps what it said when the published
 * action still serves (a refused draft, a passing error), as the integrations' status does for passing errors.
 */
export function composeActionStatus(
  current: DataActionStatus,
  decision: Pick<ActionDecision, 'status' | 'ready' | 'synced'> | undefined,
  learned: Partial<DataActionStatus>,
  failure: ErrorVerdict | undefined,
  tested: TestExecutionResult | undefined,
  generation: number,
  now: Date,
): DataActionStatus {
  const merged: Record<string, unknown> = { ...current };
  for (const patch of [decision?.status ?? {}, learned]) {
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) delete merged[key];
      else merged[key] = value;
    }
  }
  const previousReady = current.conditions?.find((c) => c.type === CONDITION_TYPES.ready);
  const keep = (): ConditionVerdict | undefined =>
    previousReady === undefined
      ? undefined
      : { status: previousReady.status, reason: previousReady.reason as ConditionVerdict['reason'], message: previousReady.message };
  let ready: ConditionVerdict;
  let synced: ConditionVerdict;
  if (failure === undefined) {
    ready = decision?.ready ?? { status: 'Unknown', reason: ACTION_REASONS.published, message: '' };
    synced = decision?.synced ?? { status: 'Unknown', reason: SYNCED_REASONS.reconcileSuccess, message: '' };
  } else {
    synced = { status: 'False', reason: failure.reason, message: failure.message };
    const serving = failure.reason === ACTION_REASONS.draftInvalid || !failure.terminal;
    ready = (serving ? keep() : undefined) ?? { status: 'False', reason: failure.reason, message: failure.message };
  }
  let conditions: Condition[] = current.conditions ?? [];
  const set = (type: string, verdict: Omit<ConditionVerdict, 'reason'> & { reason: string }): void => {
    conditions = setCondition(
      conditions,
      { type, status: verdict.status, reason: verdict.reason, message: verdict.message, observedGeneration: generation },
      now,
    );
  };
  set(CONDITION_TYPES.ready, ready);
  set(CONDITION_TYPES.synced, synced);
  if (tested !== undefined) set(CONDITION_TYPES.tested, testedVerdict(tested));
  return { ...(merged as DataActionStatus), observedGeneration: generation, conditions };
}
