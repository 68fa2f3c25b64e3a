// DataAction as a managed kind: the generic reconciler (managed-reconciler.ts) gives it the promises of the
// integrations: a pending mark and a marker name (no duplicate after a crash), Ready and Synced with
// reasons, observedGeneration, drift reverted at resync, Delete/Orphan, adoption by annotation.
import { ACTION_REASONS, CONDITION_TYPES, DATA_ACTION_NAMES, type DataActionStatus } from '../api/index.ts';
import type { TestExecutionResult } from '../platform/index.ts';
import { actOnAction, DraftInvalidError, type ActionActOutcome } from './action-act.ts';
import { afterActionAct, decideAction } from './action-decide.ts';
import type { ActionDecision } from './action-model.ts';
import { observeAction, type ActionObserveResult, type ActionReconcilerDeps } from './action-observe.ts';
import { testedForStatus, testedVerdict } from './action-tested.ts';
import { verdictFor, type ErrorVerdict } from './error-reasons.ts';
import { reconcileManaged, type ManagedKind } from './managed-reconciler.ts';
import type { ReconcileResult } from './requeue.ts';
import { composeManagedStatus, type ConditionSetting } from './status.ts';

type Observed = Extract<ActionObserveResult, { ok: true }>;

export const actionKind: ManagedKind<ActionReconcilerDeps, DataActionStatus, Observed, ActionDecision, ActionActOutcome> = {
  kind: DATA_ACTION_NAMES.kind,
  logs: { released: 'Released the action after deleting it from the platform', reconciled: 'Reconciled action', planField: 'steps' },
  cache: (deps) => deps.actions,
  writer: (deps) => deps.actionWriter,
  observe: observeAction,
  decide: (observed) => decideAction(observed.observation),
  act: (deps, observed, decision, object) => actOnAction(deps, object, observed.client, decision.steps),
  afterAct: (decision, outcome) => afterActionAct(decision, outcome.status, outcome.error),
  planned: (decision) => decision.steps.map((s) => s.type),
  classify: (error) =>
    error instanceof DraftInvalidError
      ? { reason: ACTION_REASONS.draftInvalid, message: error.message, terminal: true, retryAfterMs: undefined }
      : verdictFor(error),
  composeStatus: (deps, pass, outcome) => {
    const tested = outcome === undefined ? undefined : testedForStatus(outcome.tested, outcome.object, deps.scrubber);
    return composeActionStatus(pass.current, pass.decision, pass.learned, pass.failure, tested, pass.generation, pass.now);
  },
};

export function reconcileAction(deps: ActionReconcilerDeps, namespace: string, name: string): Promise<ReconcileResult> {
  return reconcileManaged(actionKind, deps, namespace, name);
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
  const serving = (f: ErrorVerdict): boolean => f.reason === ACTION_REASONS.draftInvalid || !f.terminal;
  return composeManagedStatus(
    { current, decision, learned, failure, generation, now },
    {
      unknownReady: { status: 'Unknown', reason: ACTION_REASONS.published, message: '' },
      readyHolds: serving,
      extra: tested === undefined ? [] : [testedCondition(tested)],
    },
  );
}

function testedCondition(tested: TestExecutionResult): ConditionSetting {
  return [CONDITION_TYPES.tested, testedVerdict(tested)];
}
