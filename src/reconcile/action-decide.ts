// decide for a DataAction: pure. Given what observe saw, which steps, which status, which Events and when
// to look again. Changes always go through a draft that is validated before it is published (act), so
// a draft the platform refuses leaves the published action as it was.
import {
  ACTION_REASONS,
  CONDITION_TYPES,
  EVENT_REASONS,
  READY_REASONS,
  RETRYABLE_REASONS,
  SYNCED_REASONS,
  TERMINAL_REASONS,
  type DataActionStatus,
} from '../api/index.ts';
import type { ActionContent } from '../platform/index.ts';
import type {
  ActionDecision,
  ActionObservation,
  ActionStep,
  DesiredAction,
  ObservedActionResource,
  PlatformAction,
} from './action-model.ts';
import { NOT_FOUND_GRACE_MS, PENDING_POLL_MS } from './decide.ts';
import type { ConditionVerdict, EventNote } from './model.ts';
import { failed, incompleteCreate, pendingIsYoung } from './verdicts.ts';

/** Built-in actions (ids starting `static`) cannot be changed or deleted (docs/platform-facts.md §11). */
const STATIC_PREFIX = 'static';

const SYNCED_OK: ConditionVerdict = { status: 'True', reason: SYNCED_REASONS.reconcileSuccess, message: 'The platform matches the spec' };

/** The name an action is created with: it carries the resource's UID, so a create whose answer was lost is found again. */
export function actionMarkerName(name: string, uid: string): string {
  return `${name.slice(0, 100)} (creating ${uid})`;
}

export function decideAction(obs: ActionObservation): ActionDecision {
  return obs.resource.deleting ? decideDeletion(obs) : decideLive(obs);
}

function decideDeletion(obs: ActionObservation): ActionDecision {
  const { resource, platform, blocker } = obs;
  const deleting: ConditionVerdict = { status: 'False', reason: READY_REASONS.deleting, message: 'The resource is being deleted' };
  const release = (id: string | undefined, events: EventNote[] = []): ActionDecision =>
    settle([...(id === undefined ? [] : [{ type: 'deleteAction', id } as const]), { type: 'removeFinalizer' }], {}, deleting, SYNCED_OK, [
      ...events,
      ...(id === undefined
        ? []
        : [{ type: 'Normal' as const, reason: EVENT_REASONS.deleted, message: `Deleted action ${id} from the platform` }]),
    ]);
  if (!resource.hasFinalizer) return settle([], {}, deleting, SYNCED_OK, []);
  const id = resource.annotatedId ?? resource.status.actionId;
  if (resource.deletionPolicy === 'Orphan') {
    const message = id === undefined ? 'Left nothing on the platform' : `Left action ${id} on the platform (deletionPolicy Orphan)`;
    return settle([{ type: 'removeFinalizer' }], {}, deleting, SYNCED_OK, [{ type: 'Normal', reason: EVENT_REASONS.orphaned, message }]);
  }
  if (id === undefined && resource.createPendingSince === undefined) return release(undefined);
  if (blocker !== undefined && !blocker.allowsDeletion)
    return settle([], {}, deleting, failed(blocker.reason, blocker.message), [], PENDING_POLL_MS);
  switch (platform.kind) {
    case 'found':
      if (platform.action.id.startsWith(STATIC_PREFIX)) return release(undefined);
      return release(platform.action.id);
    case 'missing':
      return release(platform.id);
    case 'searched':
      if (platform.markerMatch !== undefined) return release(platform.markerMatch);
      if (pendingIsYoung(obs.now, resource.createPendingSince))
        return settle([], {}, deleting, incompleteCreate('action'), [], PENDING_POLL_MS);
      return release(undefined);
    case 'skipped':
      return release(undefined);
  }
}

function decideLive(obs: ActionObservation): ActionDecision {
  const { resource, platform, blocker, desired } = obs;
  if (blocker !== undefined || desired === undefined) {
    const verdict = failed(blocker?.reason ?? SYNCED_REASONS.invalidSpec, blocker?.message ?? 'The spec could not be resolved');
    const terminal = (Object.values(TERMINAL_REASONS) as string[]).includes(verdict.reason);
    return settle([], {}, keptReady(resource, verdict), verdict, [], terminal ? undefined : PENDING_POLL_MS);
  }
  const finalizer: ActionStep[] = resource.hasFinalizer ? [] : [{ type: 'addFinalizer' }];
  switch (platform.kind) {
    case 'skipped':
      return settle([], {}, keptReady(resource, undefined), SYNCED_OK, [], PENDING_POLL_MS);
    case 'searched': {
      const creating: ConditionVerdict = {
        status: 'False',
        reason: READY_REASONS.creating,
        message: 'Creating the action on the platform',
      };
      if (platform.markerMatch !== undefined) {
        // A create from an earlier pass went through but its id was never recorded: take it, never create twice.
        return settle([...finalizer, { type: 'recordActionId', id: platform.markerMatch }], {}, creating, SYNCED_OK, [], 0);
      }
      if (pendingIsYoung(obs.now, resource.createPendingSince))
        return settle([], {}, creating, incompleteCreate('action'), [], PENDING_POLL_MS);
      if (platform.nameHeldBy !== undefined) return nameTaken(resource, platform.nameHeldBy, desired, finalizer, {});
      return decideCreate(obs, desired, finalizer, creating);
    }
    case 'missing':
      return decideMissing(obs, platform.id, platform.listed, finalizer);
    case 'found':
      return decideFound(obs, desired, platform.action, platform.draftVersion, platform.nameHeldBy, finalizer);
  }
}

/**
 * Create under the marker name, then, in the same pass, rename and publish the action the create returns
 * (its answer gives the id; a fresh action has no draft). Ready comes from the publish's answer (afterActionAct).
 */
function decideCreate(obs: ActionObservation, desired: DesiredAction, finalizer: ActionStep[], creating: ConditionVerdict): ActionDecision {
  const { resource } = obs;
  const content = { ...desired.content, name: actionMarkerName(desired.content.name, resource.uid) };
  const steps: ActionStep[] = [
    ...finalizer,
    { type: 'markCreatePending' },
    { type: 'createAction', integrationId: desired.integrationId, content },
    { type: 'publish', id: undefined, content: desired.content, draftVersion: undefined },
  ];
  if (resource.testInput !== undefined) steps.push({ type: 'test', id: undefined, input: resource.testInput });
  const decision = settle(steps, { integrationId: desired.integrationId }, creating, SYNCED_OK, [], 0);
  return { ...decision, onPublished: { platformName: desired.content.name, requeueAfterMs: undefined } };
}

/**
 * The decision as it stands once act has carried it out. When the plan created and published an action and
 * every step went through, the publish's answer proves it Ready: no confirming pass follows, the next look is
 * the resync. Otherwise the decision stands. Pure, like decideAction.
 */
export function afterActionAct(decision: ActionDecision, learned: Partial<DataActionStatus>, error: unknown): ActionDecision {
  const published = decision.onPublished;
  if (published === undefined || error !== undefined || learned.version === undefined) return decision;
  const ready: ConditionVerdict = {
    status: 'True',
    reason: ACTION_REASONS.published,
    message: `Version ${learned.version} is published and matches the spec`,
  };
  return {
    ...decision,
    status: { ...decision.status, platformName: published.platformName },
    ready,
    requeueAfterMs: published.requeueAfterMs,
  };
}

function nameTaken(
  resource: ObservedActionResource,
  heldBy: string,
  desired: DesiredAction,
  steps: readonly ActionStep[],
  status: ActionDecision['status'],
): ActionDecision {
  const verdict = failed(
    ACTION_REASONS.nameTaken,
    `Action ${heldBy} of the integration is already named "${desired.content.name}"; choose another spec.displayName`,
  );
  return settle(steps, status, keptReady(resource, undefined), verdict, []);
}

function decideMissing(obs: ActionObservation, id: string, listed: boolean, finalizer: ActionStep[]): ActionDecision {
  const { resource, now } = obs;
  if (resource.status.actionId !== id) {
    const verdict = failed(
      TERMINAL_REASONS.invalidSpec,
      `Action ${id} named by the annotation dataactions.dev/action-id was not found on the platform`,
    );
    return settle([], {}, verdict, verdict, []);
  }
  const since = resource.actionMissingSince;
  if (listed || since === undefined || now - since < NOT_FOUND_GRACE_MS) {
    // A 404 for an id the operator recorded is believed only once it persists (reads right after a write
    // may lag, and a listing may lag too; Crossplane's creation grace period): meanwhile the id is kept.
    const mark: ActionStep[] = since === undefined ? [{ type: 'markMissing', at: now }] : [];
    const verdict = failed(
      RETRYABLE_REASONS.platformError,
      `Action ${id} answered 404 ${listed ? 'but is still listed' : 'and is not listed'}; looking again before believing it gone`,
    );
    return settle([...finalizer, ...mark], {}, keptReady(resource, undefined), verdict, [], PENDING_POLL_MS);
  }
  // It existed and stayed gone for the whole grace: deleted by hand. The spec still asks for it: make it again.
  const message = `Action ${id} was deleted on the platform; creating it again`;
  return settle(
    [...finalizer, { type: 'forgetActionId' }],
    { actionId: undefined, version: undefined, platformName: undefined },
    { status: 'False', reason: READY_REASONS.creating, message },
    SYNCED_OK,
    [{ type: 'Warning', reason: EVENT_REASONS.actionMissing, message }],
    0,
  );
}

function decideFound(
  obs: ActionObservation,
  desired: DesiredAction,
  action: PlatformAction,
  draftVersion: number | undefined,
  nameHeldBy: string | undefined,
  finalizer: ActionStep[],
): ActionDecision {
  const { resource } = obs;
  const refusal = action.id.startsWith(STATIC_PREFIX)
    ? `action ${action.id} is a built-in action, which cannot be changed`
    : action.integrationId !== undefined && action.integrationId !== desired.integrationId
      ? `action ${action.id} belongs to integration ${action.integrationId}, not ${desired.integrationId} (spec.integrationRef): an action cannot move; delete and recreate the DataAction`
      : undefined;
  if (refusal !== undefined) {
    const verdict = failed(TERMINAL_REASONS.invalidSpec, `Cannot manage ${refusal}`);
    return settle([], {}, verdict, verdict, []);
  }
  const record: ActionStep[] =
    resource.annotatedId === action.id &&
    resource.status.actionId === action.id &&
    resource.createPendingSince === undefined &&
    resource.actionMissingSince === undefined
      ? []
      : [{ type: 'recordActionId', id: action.id }];
  const status = { actionId: action.id, integrationId: desired.integrationId, platformName: desired.content.name };
  const differs = changedParts(action.content, desired.content);
  if (differs.length === 0) {
    const steps: ActionStep[] = [
      ...finalizer,
      ...record,
      ...(draftVersion === undefined ? [] : [{ type: 'deleteDraft', id: action.id } as const]),
    ];
    if (resource.testInput !== undefined && needsTest(resource, action.version))
      steps.push({ type: 'test', id: action.id, input: resource.testInput });
    const ready: ConditionVerdict = {
      status: 'True',
      reason: ACTION_REASONS.published,
      message: `Version ${action.version} is published and matches the spec`,
    };
    return settle(steps, { ...status, version: action.version }, ready, SYNCED_OK, []);
  }
  if (nameHeldBy !== undefined && differs.includes('name'))
    return nameTaken(resource, nameHeldBy, desired, [...finalizer, ...record], status);
  const events: EventNote[] = [];
  const settled = resource.status.observedGeneration === resource.generation && isTrue(resource, CONDITION_TYPES.ready);
  if (settled && resource.status.version === action.version) {
    events.push({
      type: 'Normal',
      reason: EVENT_REASONS.driftReverted,
      message: `Reverted changes made on the platform to the ${differs.join(', ')}`,
    });
  }
  if (differs.includes('contract') && !action.content.name.endsWith(` (creating ${resource.uid})`)) {
    events.push({
      type: 'Warning',
      reason: EVENT_REASONS.contractChanged,
      message: `The contract of action ${action.id} changes: flows that use it may need to be updated and republished`,
    });
  }
  const steps: ActionStep[] = [...finalizer, ...record, { type: 'publish', id: action.id, content: desired.content, draftVersion }];
  if (resource.testInput !== undefined) steps.push({ type: 'test', id: action.id, input: resource.testInput });
  const ready: ConditionVerdict = {
    status: 'True',
    reason: ACTION_REASONS.published,
    message: `Version ${action.version + 1} is published and matches the spec`,
  };
  return settle(steps, status, ready, SYNCED_OK, events, 0);
}

/** Which parts of the published action differ from the spec; compared as canonical JSON, empty objects dropped. */
export function changedParts(published: ActionContent, desired: ActionContent): string[] {
  const parts: string[] = [];
  if (published.name !== desired.name) parts.push('name');
  if (published.category !== desired.category) parts.push('category');
  if (published.secure !== desired.secure) parts.push('secure');
  if (canonical(published.contract) !== canonical(desired.contract)) parts.push('contract');
  if (canonical(published.config) !== canonical(desired.config)) parts.push('config');
  return parts;
}

function canonical(value: unknown): string {
  return JSON.stringify(prune(value)) ?? '';
}

function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => [k, prune(v)] as const)
    .filter(([, v]) => v !== undefined && !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/** A test runs once per generation and published version (the Tested condition records which). */
function needsTest(resource: ObservedActionResource, version: number): boolean {
  const tested = resource.status.conditions?.find((c) => c.type === CONDITION_TYPES.tested);
  return tested === undefined || tested.observedGeneration !== resource.generation || resource.status.version !== version;
}

/** The Ready condition as it stands: the published action keeps serving while a change is refused or waits. */
function keptReady(resource: ObservedActionResource, fallback: ConditionVerdict | undefined): ConditionVerdict {
  const previous = resource.status.conditions?.find((c) => c.type === CONDITION_TYPES.ready);
  if (previous === undefined)
    return fallback ?? { status: 'False', reason: READY_REASONS.creating, message: 'The action is not published yet' };
  return { status: previous.status, reason: previous.reason as ConditionVerdict['reason'], message: previous.message };
}

function isTrue(resource: ObservedActionResource, type: string): boolean {
  return resource.status.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

function settle(
  steps: readonly ActionStep[],
  status: ActionDecision['status'],
  ready: ConditionVerdict,
  synced: ConditionVerdict,
  events: readonly EventNote[],
  requeueAfterMs?: number,
): ActionDecision {
  return { steps, status, ready, synced, events, requeueAfterMs };
}
