// decide for a GenesysCloudOrganization: given what observe saw, which finalizer writes, which status,
// which Events, and when to look again. Pure: no I/O, the time comes in the observation.
import {
  CONDITION_TYPES,
  EVENT_REASONS,
  ORGANIZATION_READY_REASONS,
  setCondition,
  type Condition,
  type OrganizationStatus,
  type SyncedReason,
} from '../api/index.ts';
import type { ErrorVerdict } from './error-reasons.ts';
import type { EventNote } from './model.ts';

export interface TypeUsage {
  readonly type: string;
  readonly integrationTypeId: string;
  readonly used: number;
  readonly maxInstances: number;
}

export type ObservedOrganizationPlatform =
  /** Not consulted: the organization is being deleted. */
  | { readonly kind: 'skipped' }
  /** The object does not match its schema. */
  | { readonly kind: 'invalidSpec' }
  /** No session could be opened (its OAuth Secret, the endpoints allowed). */
  | { readonly kind: 'refused'; readonly reason: SyncedReason; readonly message: string }
  /** Read less than half a resync ago and nothing changed but who uses it: read again in `nextReadInMs`. */
  | { readonly kind: 'recent'; readonly nextReadInMs: number }
  | { readonly kind: 'read'; readonly id: string; readonly name: string; readonly usage: readonly TypeUsage[] }
  | { readonly kind: 'failed'; readonly verdict: ErrorVerdict };

export interface OrganizationObservation {
  readonly now: number;
  readonly generation: number;
  readonly deleting: boolean;
  readonly hasFinalizer: boolean;
  /** The DataActionIntegrations that reference it, by name, sorted. */
  readonly users: readonly string[];
  readonly status: OrganizationStatus;
  readonly platform: ObservedOrganizationPlatform;
}

export type OrganizationAction =
  { readonly type: 'addFinalizer' } | { readonly type: 'removeFinalizer' } | { readonly type: 'forgetSession' };

export interface OrganizationDecision {
  readonly actions: readonly OrganizationAction[];
  /** The status to write (only a change is written); undefined: none. */
  readonly status: OrganizationStatus | undefined;
  readonly events: readonly EventNote[];
  /** done: nothing to look at again; resync: the periodic look; a delay; or a failure to report. */
  readonly next: 'done' | 'resync' | { readonly afterMs: number } | { readonly failure: ErrorVerdict };
}

/** How often to look again while integrations still hold a deleted organization. */
export const IN_USE_POLL_MS = 5_000;

export function decideOrganization(obs: OrganizationObservation): OrganizationDecision {
  return obs.deleting ? decideRelease(obs) : decideConnection(obs);
}

/** An organization being deleted keeps its finalizer while integrations still use it. */
function decideRelease(obs: OrganizationObservation): OrganizationDecision {
  if (!obs.hasFinalizer) return { actions: [], status: undefined, events: [], next: 'done' };
  if (obs.users.length > 0) {
    const message = `Still used by ${obs.users.length} DataActionIntegration(s): ${obs.users.slice(0, 10).join(', ')}`;
    return {
      actions: [],
      status: { ...obs.status, inUseBy: [...obs.users] },
      events: [{ type: 'Warning', reason: EVENT_REASONS.inUse, message }],
      next: { afterMs: IN_USE_POLL_MS },
    };
  }
  return { actions: [{ type: 'removeFinalizer' }, { type: 'forgetSession' }], status: undefined, events: [], next: 'done' };
}

function decideConnection(obs: OrganizationObservation): OrganizationDecision {
  const actions: OrganizationAction[] = obs.hasFinalizer ? [] : [{ type: 'addFinalizer' }];
  const { status, generation, platform } = obs;
  const users = [...obs.users];
  const ready = (value: 'True' | 'False', reason: string, message: string): Condition[] =>
    setCondition(
      status.conditions,
      { type: CONDITION_TYPES.ready, status: value, reason, message, observedGeneration: generation },
      new Date(obs.now),
    );
  const notReady = (reason: string, message: string): OrganizationStatus => ({
    ...status,
    observedGeneration: generation,
    inUseBy: users,
    conditions: ready('False', reason, message),
  });
  switch (platform.kind) {
    case 'skipped': // observe skips the platform only for a deletion, which decideRelease takes
    case 'invalidSpec':
      return {
        actions,
        status: notReady(ORGANIZATION_READY_REASONS.invalidSpec, 'The resource does not match its schema'),
        events: [],
        next: 'done',
      };
    case 'refused':
      return {
        actions,
        status: notReady(platform.reason, platform.message),
        events: [{ type: 'Warning', reason: platform.reason, message: platform.message }],
        next: 'resync',
      };
    case 'recent':
      // Woken by an integration coming or going: only who uses the org changed.
      return { actions, status: { ...status, inUseBy: users }, events: [], next: { afterMs: platform.nextReadInMs } };
    case 'read': {
      const connected = `Connected to organization "${platform.name}"`;
      return {
        actions,
        status: {
          observedGeneration: generation,
          organizationId: platform.id,
          organizationName: platform.name,
          usage: [...platform.usage],
          inUseBy: users,
          conditions: ready('True', ORGANIZATION_READY_REASONS.connected, `${connected} (${platform.id})`),
        },
        events: wasReady(status) ? [] : [{ type: 'Normal', reason: ORGANIZATION_READY_REASONS.connected, message: connected }],
        next: 'resync',
      };
    }
    case 'failed': {
      const { verdict } = platform;
      // A passing failure (5xx, timeout, 429) leaves a Ready organization Ready: flipping it would block
      // every integration's reconcile and deletion for a blip. Only a terminal failure (or a first connect
      // that never succeeded) says Ready=False.
      const flip = verdict.terminal || !wasReady(status);
      return {
        actions,
        status: flip ? notReady(verdict.reason, verdict.message) : undefined,
        events: [{ type: 'Warning', reason: verdict.reason, message: verdict.message }],
        next: { failure: verdict },
      };
    }
  }
}

export function wasReady(status: OrganizationStatus): boolean {
  return status.conditions?.some((c) => c.type === CONDITION_TYPES.ready && c.status === 'True') ?? false;
}
