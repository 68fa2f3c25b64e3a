// decide: the pure heart of the reconciler. Given what was observed, it says what to do next and what
// the status should say. No I/O, no clock (the time comes in the observation), no type-specific code.
import {
  CONDITION_TYPES,
  EVENT_REASONS,
  READY_REASONS,
  RETRYABLE_REASONS,
  SYNCED_REASONS,
  TERMINAL_REASONS,
  type DataActionIntegrationStatus,
} from '../api/index.ts';
import { creationMarkerName, nameFitsBase } from './names.ts';
import { CREATE_GRACE_MS, failed, incompleteCreate, pendingIsYoung } from './verdicts.ts';
import type {
  Action,
  ConditionVerdict,
  Decision,
  DesiredIntegration,
  EventNote,
  IntendedState,
  NameChange,
  Observation,
  ObservedIntegration,
  ObservedResource,
  StateReached,
} from './model.ts';

export { CREATE_GRACE_MS };
/** How often to look while the platform moves between states. */
export const TRANSITION_POLL_MS = 1_000;
/** How often to look while a pending create may still appear. */
export const PENDING_POLL_MS = 5_000;
/**
 * How long a 404 for an integration or credential the operator recorded itself must persist before it is
 * believed: reads right after a write may lag (Crossplane's creation grace period).
 */
export const NOT_FOUND_GRACE_MS = 60_000;
/**
 * A create call that could not leave within this long after its pending mark was written is not sent at all,
 * so the grace period counted from the mark covers the call's flight and the listing's lag.
 */
export const CREATE_SEND_WITHIN_MS = 15_000;

const SYNCED_OK: ConditionVerdict = { status: 'True', reason: SYNCED_REASONS.reconcileSuccess, message: 'The platform matches the spec' };

export function decide(obs: Observation): Decision {
  return obs.resource.deleting ? decideDeletion(obs) : decideLive(obs);
}

function decideDeletion(obs: Observation): Decision {
  const { resource, platform, blocker } = obs;
  const deleting: ConditionVerdict = { status: 'False', reason: READY_REASONS.deleting, message: 'The resource is being deleted' };
  if (!resource.hasFinalizer) return settle([], {}, deleting, SYNCED_OK, [], undefined);
  if (obs.kindBeingDeleted === true) {
    const id = resource.annotatedId ?? resource.status.integrationId ?? 'none recorded';
    const message = `The DataActionIntegration CRD is being deleted: left integration ${id} on the platform instead of deleting it`;
    return settle(
      [{ type: 'removeFinalizer' }],
      {},
      deleting,
      SYNCED_OK,
      [{ type: 'Warning', reason: 'OrphanedByCRDDeletion', message }],
      undefined,
    );
  }
  if (resource.deletionPolicy === 'Orphan') {
    return settle(
      [{ type: 'removeFinalizer' }],
      {},
      deleting,
      SYNCED_OK,
      [{ type: 'Normal', reason: EVENT_REASONS.orphaned, message: orphanMessage(resource) }],
      undefined,
    );
  }
  // Nothing was ever recorded or marked: nothing can exist on the platform, whatever blocks the rest.
  if (nothingCanExist(resource)) return settle([{ type: 'removeFinalizer' }], {}, deleting, SYNCED_OK, [], undefined);
  if (blocker !== undefined && !blocker.allowsDeletion) {
    return settle([], {}, deleting, failed(blocker.reason, blocker.message), [], undefined);
  }
  // Only credentials this resource made are deleted: the one the status records and any named after it
  // whose create was never recorded. An adopted integration may link one that someone else made.
  const credentials = [...new Set([resource.status.credentialId, ...(obs.ownCredentials ?? [])])].filter(
    (id): id is string => id !== undefined,
  );
  const deleteCredentials: Action[] = credentials.map((id) => ({ type: 'deleteCredential', id }));
  const release = (id: string | undefined, events: EventNote[]): Decision =>
    settle(
      [...(id === undefined ? [] : [{ type: 'deleteIntegration', id } as const]), ...deleteCredentials, { type: 'removeFinalizer' }],
      {},
      deleting,
      SYNCED_OK,
      id === undefined
        ? events
        : [...events, { type: 'Normal', reason: EVENT_REASONS.deleted, message: `Deleted integration ${id} from the platform` }],
      undefined,
    );
  switch (platform.kind) {
    case 'found': {
      const refusal = notOurs(platform.integration, obs.typeId);
      if (refusal === undefined) return release(platform.integration.id, []);
      // Never delete what is not this resource's to delete: let the resource go, leave the integration.
      return release(undefined, [
        { type: 'Warning', reason: EVENT_REASONS.orphaned, message: `Left integration ${platform.integration.id}: ${refusal}` },
      ]);
    }
    case 'missing':
      // Deleting by id treats a 404 as done; a lagging read does not stop the delete of what exists.
      return release(platform.markerMatch ?? platform.id, []);
    case 'searched': {
      if (platform.markerMatch !== undefined) return release(platform.markerMatch, []);
      if (pendingIsYoung(obs.now, resource.createPendingSince) || pendingIsYoung(obs.now, resource.credentialPendingSince)) {
        return settle([], {}, deleting, incompleteCreate('integration'), [], PENDING_POLL_MS);
      }
      return release(undefined, []);
    }
    case 'skipped':
      return settle([{ type: 'removeFinalizer' }], {}, deleting, SYNCED_OK, [], undefined);
  }
}

/** True when no id was ever recorded and no create ever marked: the platform cannot hold anything of ours. */
function nothingCanExist(resource: ObservedResource): boolean {
  return (
    resource.annotatedId === undefined &&
    resource.status.integrationId === undefined &&
    resource.status.credentialId === undefined &&
    resource.createPendingSince === undefined &&
    resource.credentialPendingSince === undefined
  );
}

/** Why an integration found by id is not this resource's to manage or delete; undefined when it is. */
function notOurs(integration: ObservedIntegration, typeId: string | undefined): string | undefined {
  if (typeId !== undefined && integration.typeId !== typeId) {
    return `it is of platform type ${integration.typeId}, not ${typeId}`;
  }
  if (integration.claimedBy !== undefined) {
    return `its notes say it is managed from DataActionIntegration ${integration.claimedBy}, which still exists`;
  }
  return undefined;
}

function decideLive(obs: Observation): Decision {
  const { resource, platform, blocker, desired } = obs;
  // The finalizer is added only once something may exist on the platform (just before the first create,
  // or when an integration is found): a resource that never got there deletes at once.
  const finalizer: Action[] = resource.hasFinalizer ? [] : [{ type: 'addFinalizer' }];
  if (blocker !== undefined || desired === undefined) {
    const reason = blocker?.reason ?? SYNCED_REASONS.invalidSpec;
    const message = blocker?.message ?? 'The spec could not be resolved';
    const verdict = failed(reason, message);
    // The Warning for a failure is the reconciler's, once per change of Synced (see failureWarning).
    return settle([], {}, verdict, verdict, [], isTerminal(reason) ? undefined : PENDING_POLL_MS);
  }
  const events: EventNote[] = [];
  if (desired.deprecation !== undefined && resource.status.observedGeneration !== resource.generation) {
    events.push({ type: 'Warning', reason: EVENT_REASONS.deprecated, message: desired.deprecation });
  }
  switch (platform.kind) {
    case 'skipped':
      // Nothing to act on without a look at the platform; observe always looks when unblocked.
      return settle([], {}, unknownReady(), SYNCED_OK, events, PENDING_POLL_MS);
    case 'searched':
      return decideCreation(obs, desired, platform.markerMatch, platform.used, finalizer, events);
    case 'missing':
      return decideMissing(obs, platform.id, platform.markerMatch, finalizer, events);
    case 'found':
      return decideExisting(obs, desired, platform.integration, finalizer, events);
  }
}

function decideCreation(
  obs: Observation,
  desired: DesiredIntegration,
  markerMatch: string | undefined,
  used: number,
  finalizer: Action[],
  events: EventNote[],
): Decision {
  const creating: ConditionVerdict = {
    status: 'False',
    reason: READY_REASONS.creating,
    message: 'Creating the integration on the platform',
  };
  if (markerMatch !== undefined) {
    // A create from an earlier pass went through but its id was never recorded: take it, never create twice.
    return settle([...finalizer, { type: 'recordIntegrationId', id: markerMatch }], {}, creating, SYNCED_OK, events, 0);
  }
  if (pendingIsYoung(obs.now, obs.resource.createPendingSince))
    return settle([], {}, creating, incompleteCreate('integration'), events, PENDING_POLL_MS);
  if (used >= desired.maxInstances) {
    const message = `The organization already has ${used} of at most ${desired.maxInstances} integrations of this type; nothing was created`;
    const verdict = failed(TERMINAL_REASONS.quotaExceeded, message);
    return settle([], {}, verdict, verdict, events, undefined);
  }
  return settle(
    [
      ...finalizer,
      { type: 'markCreatePending' },
      { type: 'createIntegration', typeId: desired.typeId, markerName: creationMarkerName(desired.baseName, obs.resource.uid) },
    ],
    { integrationTypeId: desired.typeId },
    creating,
    SYNCED_OK,
    events,
    0,
  );
}

function decideMissing(obs: Observation, id: string, markerMatch: string | undefined, finalizer: Action[], events: EventNote[]): Decision {
  const { resource, now } = obs;
  if (resource.status.integrationId !== id) {
    // Named by a user and never seen: nothing to wait for, a person must fix the annotation.
    const message = `Integration ${id} named by the annotation dataactions.dev/integration-id was not found on the platform`;
    const verdict = failed(TERMINAL_REASONS.integrationNotFound, message);
    return settle([], {}, verdict, verdict, events, undefined);
  }
  const since = resource.integrationMissingSince;
  if (markerMatch === id || since === undefined || now - since < NOT_FOUND_GRACE_MS) {
    // A 404 for an id the operator recorded is believed only once it persists (reads may lag a write);
    // meanwhile the id is kept, and the listing searched for the marker says whether it still exists.
    const mark: Action[] = since === undefined ? [{ type: 'markMissing', what: 'integration', at: now }] : [];
    const verdict = failed(
      RETRYABLE_REASONS.platformError,
      `Integration ${id} answered 404 ${markerMatch === id ? 'but is still listed' : 'and is not listed'}; looking again before believing it gone`,
    );
    return settle([...finalizer, ...mark], {}, keptReady(resource), verdict, events, PENDING_POLL_MS);
  }
  if (markerMatch !== undefined) {
    // Another integration carries this resource's marker (a create whose answer was lost): take it.
    return settle([...finalizer, { type: 'recordIntegrationId', id: markerMatch }], {}, keptReady(resource), SYNCED_OK, events, 0);
  }
  // It existed and stayed gone: deleted by hand. The spec still asks for it, so make it again; the
  // credential this resource made is kept and linked to the new one.
  const message = `Integration ${id} was deleted on the platform; creating it again`;
  return settle(
    [...finalizer, { type: 'forgetIntegrationId' }],
    { integrationId: undefined, platformName: undefined, state: undefined },
    { status: 'False', reason: READY_REASONS.creating, message },
    SYNCED_OK,
    [...events, { type: 'Warning', reason: EVENT_REASONS.integrationMissing, message }],
    0,
  );
}

function decideExisting(
  obs: Observation,
  desired: DesiredIntegration,
  integration: ObservedIntegration,
  finalizer: Action[],
  events: EventNote[],
): Decision {
  const { resource } = obs;
  const refusal = notOurs(integration, desired.typeId);
  if (refusal !== undefined) {
    const verdict = failed(TERMINAL_REASONS.invalidSpec, `Integration ${integration.id} cannot be managed by this resource: ${refusal}`);
    return settle([], {}, verdict, verdict, events, undefined);
  }
  const actions: Action[] = [...finalizer, ...recordFound(resource, integration.id)];
  const statusPatch: Partial<ObservedResource['status']> = { integrationId: integration.id, integrationTypeId: integration.typeId };
  const credential = decideCredential(obs, desired, integration);
  if (credential.wait !== undefined)
    return settle([...actions, ...credential.actions], statusPatch, keptReady(resource), credential.wait, events, PENDING_POLL_MS);
  const config = decideConfig(resource, desired, integration, credential.link);
  const state = decideState(resource, desired, integration);
  // A credential replaced by a new one goes once the new one is linked: nothing is left unlinked.
  actions.push(...credential.actions, ...config.actions, ...credential.cleanup, ...state.actions);
  const drift = [...credential.drift, ...config.drift, ...state.drift];

  const spun = resource.status.observedGeneration === resource.generation && isTrue(resource.status, CONDITION_TYPES.ready);
  if (spun && drift.length > 0) {
    events.push({
      type: 'Normal',
      reason: EVENT_REASONS.driftReverted,
      message: `Reverted changes made on the platform to the ${drift.join(', ')}`,
    });
  }
  if (state.change && !spun) {
    events.push({
      type: 'Normal',
      reason: desired.active ? EVENT_REASONS.activating : EVENT_REASONS.deactivating,
      message: `Set integration ${integration.id} ${desired.active ? 'Active' : 'Inactive'}`,
    });
  }
  if (config.keptName !== undefined) statusPatch.platformName = config.keptName;
  if (!state.change) statusPatch.state = integration.reportedState;

  const ready = readiness(integration, desired.active, state.change);
  const decision = settle(actions, statusPatch, ready, SYNCED_OK, events, requeueFor(ready));
  if (!state.change) return decision;
  // The state is the last write of the pass: if its answer shows the state reached, all else is done too.
  const reached = readiness({ ...integration, reportedState: state.target }, desired.active, false);
  return { ...decision, onStateReached: { state: state.target, ready: reached, requeueAfterMs: requeueFor(reached) } };
}

/** Ready: look again at the resync; an error: in 30 s; in between: at the transition poll. */
function requeueFor(ready: ConditionVerdict): number | undefined {
  return ready.status === 'True' ? undefined : ready.reason === READY_REASONS.error ? 30_000 : TRANSITION_POLL_MS;
}

/**
 * The decision as it stands once act has carried it out (`learned`: the status fields act reported). When the
 * answer to a state change already reports the state asked for, the integration is Ready in this pass and no
 * transition poll follows; otherwise the decision stands. Pure, like decide.
 */
export function afterAct(decision: Decision, learned: Partial<DataActionIntegrationStatus>): Decision {
  const reached = decision.onStateReached;
  if (reached === undefined || learned.state !== reached.state) return decision;
  return { ...decision, ready: reached.ready, requeueAfterMs: reached.requeueAfterMs };
}

/**
 * The name, notes, properties and credential link: one configure action when any differs. The name is
 * stable once set, until displayName changes.
 */
function decideConfig(
  resource: ObservedResource,
  desired: DesiredIntegration,
  integration: ObservedIntegration,
  link: CredentialPlan['link'],
): { readonly actions: Action[]; readonly drift: string[]; readonly keptName: string | undefined } {
  const { config } = integration;
  const status = resource.status;
  const drift: string[] = [];
  let name: NameChange | undefined;
  const kept = status.platformName !== undefined && nameFitsBase(status.platformName, desired.baseName) ? status.platformName : undefined;
  if (kept !== undefined) {
    if (config.name !== kept) {
      drift.push('name');
      name = { base: desired.baseName, prefer: kept };
    }
  } else {
    name = { base: desired.baseName, prefer: nameFitsBase(config.name, desired.baseName) ? config.name : undefined };
  }
  const notes = config.notes !== desired.notes ? desired.notes : undefined;
  if (notes !== undefined && status.platformName !== undefined) drift.push('notes');
  const properties = propertiesDiffer(config.properties, desired.properties) ? desired.properties : undefined;
  if (properties !== undefined && status.platformName !== undefined) drift.push('properties');
  const changes = name !== undefined || notes !== undefined || properties !== undefined || link !== undefined;
  const actions: Action[] = changes ? [{ type: 'configure', integrationId: integration.id, name, notes, properties, link }] : [];
  return { actions, drift, keptName: kept };
}

/** The state: Active or Inactive as spec.active says; a change made by hand is drift once the resource settled. */
function decideState(
  resource: ObservedResource,
  desired: DesiredIntegration,
  integration: ObservedIntegration,
): { readonly actions: Action[]; readonly drift: string[]; readonly change: boolean; readonly target: StateReached['state'] } {
  const wanted: IntendedState = desired.active ? 'ENABLED' : 'DISABLED';
  const target = desired.active ? 'ACTIVE' : 'INACTIVE';
  if (integration.intendedState === wanted) return { actions: [], drift: [], change: false, target };
  const handMade = resource.status.state !== undefined && resource.status.observedGeneration === resource.generation;
  return {
    actions: [{ type: 'setState', integrationId: integration.id, state: wanted }],
    drift: handMade ? ['state'] : [],
    change: true,
    target,
  };
}

interface CredentialPlan {
  readonly actions: Action[];
  /** Link the credential written in this pass (undefined), this id, or unlink (null). */
  readonly link: { slot: string; credentialId: string | undefined | null } | undefined;
  readonly drift: string[];
  /** After the link is written: the credential it replaced goes, and the 404 mark is cleared. */
  readonly cleanup: Action[];
  /** Set when the pass stops here: a credential create may still appear, or a 404 is not yet believed. */
  readonly wait: ConditionVerdict | undefined;
}

/**
 * The credential: only one this resource made is ever written (status.credentialId, or one named after it
 * whose create was never recorded); an adopted integration's own credential is left alone and a fresh
 * one linked. A 404 for ours is believed once it persists; its replacement is created, linked, and the
 * old one deleted. Writes when the Secret changed (revision) or the credential is not ours yet.
 */
function decideCredential(obs: Observation, desired: DesiredIntegration, integration: ObservedIntegration): CredentialPlan {
  const { resource, now } = obs;
  const status = resource.status;
  const linked = integration.config.credentialLinks[desired.credentialSlot];
  const plan: CredentialPlan = { actions: [], link: undefined, drift: [], cleanup: [], wait: undefined };
  if (desired.credential === undefined) {
    if (linked === undefined) return plan;
    return { ...plan, drift: ['credentials link'], link: { slot: desired.credentialSlot, credentialId: null } };
  }
  let owned = status.credentialId;
  if (owned !== undefined && integration.ownedCredentialGone) {
    const since = resource.credentialMissingSince;
    if (since === undefined || now - since < NOT_FOUND_GRACE_MS) {
      const mark: Action[] = since === undefined ? [{ type: 'markMissing', what: 'credential', at: now }] : [];
      const wait = failed(RETRYABLE_REASONS.platformError, `Credential ${owned} answered 404; looking again before believing it gone`);
      return { ...plan, actions: mark, wait };
    }
    // Gone for good (deleted by hand): a new one replaces it; the old id is deleted in case it reappears.
    plan.drift.push('credential');
    plan.cleanup.push({ type: 'deleteCredential', id: owned }, { type: 'markMissing', what: 'credential', at: undefined });
    owned = undefined;
  } else if (resource.credentialMissingSince !== undefined) {
    plan.cleanup.push({ type: 'markMissing', what: 'credential', at: undefined });
  }
  if (owned === undefined) {
    const [first, ...extra] = (obs.ownCredentials ?? []).filter((id) => id !== status.credentialId);
    if (first !== undefined) {
      owned = first;
      plan.cleanup.push(...extra.map((id): Action => ({ type: 'deleteCredential', id })));
    } else if (pendingIsYoung(now, resource.credentialPendingSince)) {
      return { ...plan, cleanup: [], wait: incompleteCreate('integration') };
    } else {
      plan.actions.push({ type: 'markCredentialPending' });
    }
  }
  const stale = owned === undefined || status.credentialsRevision !== desired.credential.revision || status.credentialId !== owned;
  if (stale) {
    plan.actions.push({
      type: 'writeCredential',
      credentialId: owned,
      typeName: desired.credential.typeName,
      fields: desired.credential.fields,
      revision: desired.credential.revision,
    });
    // A rotation updates the credential in place: the link only changes when there was none, or it
    // pointed elsewhere.
    const link = owned === undefined || linked !== owned ? { slot: desired.credentialSlot, credentialId: undefined } : undefined;
    return { ...plan, link };
  }
  if (linked !== owned)
    return { ...plan, drift: [...plan.drift, 'credentials link'], link: { slot: desired.credentialSlot, credentialId: owned } };
  return plan;
}

/** Records a found integration's id when the annotation lacks it or a create or 404 mark is still set. */
function recordFound(resource: ObservedResource, id: string): Action[] {
  const settled =
    resource.annotatedId === id && resource.createPendingSince === undefined && resource.integrationMissingSince === undefined;
  return settled ? [] : [{ type: 'recordIntegrationId', id }];
}

/** The Ready condition as it stands: a passing doubt must not flap it. */
function keptReady(resource: ObservedResource): ConditionVerdict {
  const previous = resource.status.conditions?.find((c) => c.type === CONDITION_TYPES.ready);
  if (previous === undefined)
    return { status: 'False', reason: READY_REASONS.creating, message: 'Creating the integration on the platform' };
  return { status: previous.status, reason: previous.reason as ConditionVerdict['reason'], message: previous.message };
}

/** Ready once the platform reports the state asked for (the config writes of this pass assumed done). */
function readiness(integration: ObservedIntegration, active: boolean, stateChange: boolean): ConditionVerdict {
  const reported = integration.reportedState;
  if (reported === 'ERROR') {
    return {
      status: 'False',
      reason: READY_REASONS.error,
      message: `The platform reports an error: ${integration.reportedMessage ?? 'no detail given'}`,
    };
  }
  const moving: ConditionVerdict = active
    ? { status: 'False', reason: READY_REASONS.activating, message: 'Waiting for the platform to report the integration Active' }
    : { status: 'False', reason: READY_REASONS.deactivating, message: 'Waiting for the platform to report the integration Inactive' };
  if (stateChange) return moving;
  if (reported === (active ? 'ACTIVE' : 'INACTIVE')) {
    return {
      status: 'True',
      reason: READY_REASONS.available,
      message: `The integration is ${active ? 'Active' : 'Inactive'} on the platform`,
    };
  }
  return moving;
}

function propertiesDiffer(current: Readonly<Record<string, unknown>>, desired: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(desired).some(([key, value]) => JSON.stringify(current[key]) !== JSON.stringify(value));
}

function unknownReady(): ConditionVerdict {
  return { status: 'Unknown', reason: READY_REASONS.creating, message: 'The platform has not been observed yet' };
}

function isTerminal(reason: string): boolean {
  return (Object.values(TERMINAL_REASONS) as string[]).includes(reason);
}

function isTrue(status: ObservedResource['status'], type: string): boolean {
  return status.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

function orphanMessage(resource: ObservedResource): string {
  const id = resource.annotatedId ?? resource.status.integrationId;
  return id === undefined ? 'Left nothing on the platform' : `Left integration ${id} on the platform (deletionPolicy Orphan)`;
}

function settle(
  actions: readonly Action[],
  status: Decision['status'],
  ready: ConditionVerdict,
  synced: ConditionVerdict,
  events: readonly EventNote[],
  requeueAfterMs: number | undefined,
): Decision {
  return { actions, status, ready, synced, events, requeueAfterMs };
}
