// decide: the pure heart of the reconciler. Given what was observed, it says what to do next and what
// the status should say. No I/O, no clock (the time comes in the observation), no type-specific code.
import { READY_REASONS, RETRYABLE_REASONS, SYNCED_REASONS, TERMINAL_REASONS } from '../api/index.ts';
import { creationMarkerName, nameFitsBase } from './names.ts';
import type {
  Action,
  ConditionVerdict,
  Decision,
  DesiredIntegration,
  EventNote,
  IntendedState,
  Observation,
  ObservedIntegration,
  ObservedResource,
} from './model.ts';

/** How long a pending create may stay invisible to a list before the operator concludes it never happened. */
export const CREATE_GRACE_MS = 60_000;
/** How often to look while the platform moves between states. */
export const TRANSITION_POLL_MS = 1_000;
/** How often to look while a pending create may still appear. */
export const PENDING_POLL_MS = 5_000;

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
      [{ type: 'Normal', reason: 'Orphaned', message: orphanMessage(resource) }],
      undefined,
    );
  }
  if (blocker !== undefined && !blocker.allowsDeletion) {
    return settle([], {}, deleting, failed(blocker.reason, blocker.message), [], undefined);
  }
  const credentialId = resource.status.credentialId;
  const deleteCredential: Action[] = credentialId === undefined ? [] : [{ type: 'deleteCredential', id: credentialId }];
  switch (platform.kind) {
    case 'found':
    case 'missing': {
      // Only the credential this resource wrote is deleted: an adopted integration may link one that
      // someone else made, and the status records only the one this resource owns.
      const id = platform.kind === 'found' ? platform.integration.id : platform.id;
      return settle(
        [{ type: 'deleteIntegration', id }, ...deleteCredential, { type: 'removeFinalizer' }],
        {},
        deleting,
        SYNCED_OK,
        [{ type: 'Normal', reason: 'Deleted', message: `Deleted integration ${id} from the platform` }],
        undefined,
      );
    }
    case 'searched': {
      if (platform.markerMatch !== undefined) {
        return settle(
          [{ type: 'deleteIntegration', id: platform.markerMatch }, ...deleteCredential, { type: 'removeFinalizer' }],
          {},
          deleting,
          SYNCED_OK,
          [{ type: 'Normal', reason: 'Deleted', message: `Deleted integration ${platform.markerMatch} from the platform` }],
          undefined,
        );
      }
      if (pendingIsYoung(obs)) {
        return settle([], {}, deleting, incompleteCreate(), [], PENDING_POLL_MS);
      }
      return settle([...deleteCredential, { type: 'removeFinalizer' }], {}, deleting, SYNCED_OK, [], undefined);
    }
    case 'skipped':
      return settle([{ type: 'removeFinalizer' }], {}, deleting, SYNCED_OK, [], undefined);
  }
}

function decideLive(obs: Observation): Decision {
  const { resource, platform, blocker, desired } = obs;
  const finalizer: Action[] = resource.hasFinalizer ? [] : [{ type: 'addFinalizer' }];
  if (blocker !== undefined || desired === undefined) {
    const reason = blocker?.reason ?? SYNCED_REASONS.invalidSpec;
    const message = blocker?.message ?? 'The spec could not be resolved';
    const verdict = failed(reason, message);
    const events: EventNote[] = isTerminal(reason) ? [{ type: 'Warning', reason, message }] : [];
    return settle(finalizer, {}, verdict, verdict, events, isTerminal(reason) ? undefined : PENDING_POLL_MS);
  }
  const events: EventNote[] = [];
  if (desired.deprecation !== undefined && resource.status.observedGeneration !== resource.generation) {
    events.push({ type: 'Warning', reason: 'Deprecated', message: desired.deprecation });
  }
  switch (platform.kind) {
    case 'skipped':
      // Nothing to act on without a look at the platform; observe always looks when unblocked.
      return settle(finalizer, {}, unknownReady(), SYNCED_OK, events, PENDING_POLL_MS);
    case 'searched':
      return decideCreation(obs, desired, platform.markerMatch, platform.used, finalizer, events);
    case 'missing':
      return decideMissing(resource, platform.id, finalizer, events);
    case 'found':
      return decideExisting(resource, desired, platform.integration, finalizer, events);
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
  if (pendingIsYoung(obs)) return settle(finalizer, {}, creating, incompleteCreate(), events, PENDING_POLL_MS);
  if (used >= desired.maxInstances) {
    const message = `The organization already has ${used} of at most ${desired.maxInstances} integrations of this type; nothing was created`;
    const verdict = failed(TERMINAL_REASONS.quotaExceeded, message);
    return settle(
      finalizer,
      {},
      verdict,
      verdict,
      [...events, { type: 'Warning', reason: TERMINAL_REASONS.quotaExceeded, message }],
      undefined,
    );
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

function decideMissing(resource: ObservedResource, id: string, finalizer: Action[], events: EventNote[]): Decision {
  if (resource.status.integrationId === id) {
    // It existed and is gone: deleted by hand. The spec still asks for it, so make it again.
    const message = `Integration ${id} was deleted on the platform; creating it again`;
    return settle(
      [...finalizer, { type: 'forgetIntegrationId' }],
      { integrationId: undefined, platformName: undefined, state: undefined, credentialId: undefined, credentialsRevision: undefined },
      { status: 'False', reason: READY_REASONS.creating, message },
      SYNCED_OK,
      [...events, { type: 'Warning', reason: 'IntegrationMissing', message }],
      0,
    );
  }
  const message = `Integration ${id} named by the annotation dataactions.dev/integration-id was not found on the platform`;
  const verdict = failed(RETRYABLE_REASONS.platformError, message);
  return settle(finalizer, {}, verdict, verdict, events, 30_000);
}

function decideExisting(
  resource: ObservedResource,
  desired: DesiredIntegration,
  integration: ObservedIntegration,
  finalizer: Action[],
  events: EventNote[],
): Decision {
  if (integration.typeId !== desired.typeId) {
    const message = `Integration ${integration.id} is of platform type ${integration.typeId}, not ${desired.typeId}`;
    const verdict = failed(TERMINAL_REASONS.invalidSpec, message);
    return settle(
      finalizer,
      {},
      verdict,
      verdict,
      [...events, { type: 'Warning', reason: TERMINAL_REASONS.invalidSpec, message }],
      undefined,
    );
  }
  const actions: Action[] = [...finalizer];
  const drift: string[] = [];
  const { config } = integration;
  const status = resource.status;

  // Credentials: write when the Secret changed (revision) or the credential is not ours yet; link it.
  const linked = config.credentialLinks[desired.credentialSlot];
  let link: { slot: string; credentialId: string | undefined | null } | undefined;
  const statusPatch: Partial<typeof status> = {
    integrationId: integration.id,
    integrationTypeId: integration.typeId,
  };
  if (desired.credential !== undefined) {
    // A credential deleted by hand is written anew (and linked) even though the Secret did not change.
    if (integration.ownedCredentialGone) drift.push('credential');
    const owned = integration.ownedCredentialGone ? undefined : (status.credentialId ?? linked);
    const stale = owned === undefined || status.credentialsRevision !== desired.credential.revision || status.credentialId !== owned;
    if (stale) {
      actions.push({
        type: 'writeCredential',
        credentialId: owned,
        typeName: desired.credential.typeName,
        fields: desired.credential.fields,
        revision: desired.credential.revision,
      });
      // A rotation updates the credential in place: the link only changes when there was none, or
      // it pointed elsewhere. (If the update finds the credential gone, act creates and links anew.)
      if (owned === undefined || linked !== owned) link = { slot: desired.credentialSlot, credentialId: undefined };
    } else if (linked !== owned) {
      drift.push('credentials link');
      link = { slot: desired.credentialSlot, credentialId: owned };
    }
  } else if (linked !== undefined) {
    drift.push('credentials link');
    link = { slot: desired.credentialSlot, credentialId: null };
  }

  // Name: stable once set, until displayName changes.
  let name: { base: string; prefer: string | undefined } | undefined;
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
  if (name !== undefined || notes !== undefined || properties !== undefined || link !== undefined) {
    actions.push({ type: 'configure', integrationId: integration.id, name, notes, properties, link });
  }

  const wanted: IntendedState = desired.active ? 'ENABLED' : 'DISABLED';
  const stateChange = integration.intendedState !== wanted;
  if (stateChange) {
    actions.push({ type: 'setState', integrationId: integration.id, state: wanted });
    if (status.state !== undefined && resource.status.observedGeneration === resource.generation) drift.push('state');
  }

  const spun = status.observedGeneration === resource.generation && isTrue(status, 'Ready');
  if (spun && drift.length > 0) {
    events.push({ type: 'Normal', reason: 'DriftReverted', message: `Reverted changes made on the platform to the ${drift.join(', ')}` });
  }
  if (stateChange && !spun) {
    events.push({
      type: 'Normal',
      reason: desired.active ? 'Activating' : 'Deactivating',
      message: `Set integration ${integration.id} ${desired.active ? 'Active' : 'Inactive'}`,
    });
  }
  if (kept !== undefined) statusPatch.platformName = kept;
  if (!stateChange) statusPatch.state = integration.reportedState;

  const ready = readiness(integration, desired.active, stateChange);
  const requeue = ready.status === 'True' ? undefined : ready.reason === READY_REASONS.error ? 30_000 : TRANSITION_POLL_MS;
  return settle(actions, statusPatch, ready, SYNCED_OK, events, requeue);
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

function pendingIsYoung(obs: Observation): boolean {
  const since = obs.resource.createPendingSince;
  return since !== undefined && obs.now - since < CREATE_GRACE_MS;
}

function incompleteCreate(): ConditionVerdict {
  return failed(
    RETRYABLE_REASONS.createIncomplete,
    'A create call may have reached the platform without an answer; looking for the integration before creating again',
  );
}

function failed(reason: ConditionVerdict['reason'], message: string): ConditionVerdict {
  return { status: 'False', reason, message };
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
