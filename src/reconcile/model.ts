// What the generic reconciler observes and what it decides. Plain data, so `decide` stays pure and is
// tested by a table of named scenarios.
import type { DataActionIntegrationStatus, DeletionPolicy, ReadyReason, SyncedReason } from '../api/index.ts';
import type { IntendedState } from '../platform/index.ts';

export type { IntendedState };

/** The resource, as far as decisions need it. */
export interface ObservedResource {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly generation: number;
  readonly deleting: boolean;
  readonly hasFinalizer: boolean;
  /** `dataactions.dev/integration-id`: set by a user to adopt, or by the operator after a create. */
  readonly annotatedId: string | undefined;
  /** `dataactions.dev/create-pending`, as epoch ms. */
  readonly createPendingSince: number | undefined;
  /** `dataactions.dev/credential-create-pending`, as epoch ms. */
  readonly credentialPendingSince: number | undefined;
  /** `dataactions.dev/integration-missing-since`: when the recorded integration first answered 404. */
  readonly integrationMissingSince: number | undefined;
  /** `dataactions.dev/credential-missing-since`: when the credential of status.credentialId first answered 404. */
  readonly credentialMissingSince: number | undefined;
  readonly deletionPolicy: DeletionPolicy;
  readonly status: DataActionIntegrationStatus;
}

/** What the spec asks for, resolved through the type's declaration. */
export interface DesiredIntegration {
  /** displayName, or metadata.name. */
  readonly baseName: string;
  readonly notes: string;
  readonly active: boolean;
  readonly typeId: string;
  readonly credentialSlot: string;
  readonly properties: Readonly<Record<string, unknown>>;
  /** undefined when the type, so configured, takes no credential. */
  readonly credential:
    { readonly typeName: string; readonly fields: Readonly<Record<string, string>>; readonly revision: string } | undefined;
  /** Install limit: the platform's maxInstances, else the admin guide's number. */
  readonly maxInstances: number;
  readonly deprecation: string | undefined;
}

/** Something that stops the operator from touching the platform for this resource. */
export interface Blocker {
  readonly reason: SyncedReason;
  readonly message: string;
  /** When true, a deletion can still proceed (e.g. a missing Secret does not matter for a delete). */
  readonly allowsDeletion: boolean;
}

export interface ObservedIntegration {
  readonly id: string;
  readonly typeId: string;
  readonly intendedState: string | undefined;
  readonly reportedState: string | undefined;
  readonly reportedMessage: string | undefined;
  /**
   * The credential the status records as this resource's (status.credentialId) answered 404: deleted by
   * hand, or a read that lags its create. A link to it may still dangle in the config, so the link alone
   * cannot tell; decide believes it once it persists (credentialMissingSince).
   */
  readonly ownedCredentialGone: boolean;
  /**
   * Another DataActionIntegration that still exists and whose managed-by line the integration's notes end
   * with ("namespace/name"): the integration is that resource's, not this one's.
   */
  readonly claimedBy: string | undefined;
  readonly config: {
    readonly name: string;
    readonly notes: string;
    readonly properties: Readonly<Record<string, unknown>>;
    readonly credentialLinks: Readonly<Record<string, string>>;
  };
}

export type ObservedPlatform =
  /** The platform was not consulted (a blocker, or nothing to look at). */
  | { readonly kind: 'skipped' }
  /** The annotated integration, found. */
  | { readonly kind: 'found'; readonly integration: ObservedIntegration }
  /**
   * The recorded integration answered 404. `markerMatch`: an integration of the type carrying this
   * resource's marker, from the listing searched meanwhile (a 404 right after a create may be a read lag).
   */
  | { readonly kind: 'missing'; readonly id: string; readonly markerMatch: string | undefined }
  /** No id known: the integrations of the type, searched for this resource's marker. */
  | { readonly kind: 'searched'; readonly markerMatch: string | undefined; readonly used: number };

export interface Observation {
  readonly now: number;
  readonly resource: ObservedResource;
  /** undefined when a blocker stops the operator before it can know what is desired. */
  readonly desired: DesiredIntegration | undefined;
  readonly blocker: Blocker | undefined;
  readonly platform: ObservedPlatform;
  /** The platform type id the resource's type resolves to in the org; undefined when unresolved. */
  readonly typeId: string | undefined;
  /**
   * Credentials named after this resource (the name carries its UID) found in the org's credentials
   * listing: ones a create made that were never recorded. undefined: not searched.
   */
  readonly ownCredentials: readonly string[] | undefined;
  /** The kind's CRD is being deleted (uninstall): a resource being deleted is orphaned, never deleted. */
  readonly kindBeingDeleted?: boolean;
}

export type NameChange =
  /** Choose the first free of base, base 2, ... under the org's name lock; keep `prefer` if it is free. */
  { readonly base: string; readonly prefer: string | undefined };

export type Action =
  | { readonly type: 'addFinalizer' }
  | { readonly type: 'removeFinalizer' }
  | { readonly type: 'markCreatePending' }
  | { readonly type: 'markCredentialPending' }
  /** Sets (at: epoch ms) or clears (at: undefined) a time the grace for a 404 is counted from. */
  | { readonly type: 'markMissing'; readonly what: 'integration' | 'credential'; readonly at: number | undefined }
  | { readonly type: 'createIntegration'; readonly typeId: string; readonly markerName: string }
  | { readonly type: 'recordIntegrationId'; readonly id: string }
  | { readonly type: 'forgetIntegrationId' }
  | {
      readonly type: 'writeCredential';
      /** undefined: create one. Otherwise update it (and create one if it is gone). */
      readonly credentialId: string | undefined;
      readonly typeName: string;
      readonly fields: Readonly<Record<string, string>>;
      readonly revision: string;
    }
  | {
      readonly type: 'configure';
      readonly integrationId: string;
      readonly name: NameChange | undefined;
      readonly notes: string | undefined;
      readonly properties: Readonly<Record<string, unknown>> | undefined;
      /** Link the credential (the one written in this pass, or this id) at the slot; null: unlink the slot. */
      readonly link: { readonly slot: string; readonly credentialId: string | undefined | null } | undefined;
    }
  | { readonly type: 'setState'; readonly integrationId: string; readonly state: IntendedState }
  | { readonly type: 'deleteIntegration'; readonly id: string }
  | { readonly type: 'deleteCredential'; readonly id: string };

export interface EventNote {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface ConditionVerdict {
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: ReadyReason;
  readonly message: string;
}

/** What every kind's decide says besides its plan: the status, the conditions, the Events, when to look again. */
export interface Verdict<S> {
  /** Status fields known before acting (act results are layered on top). */
  readonly status: Partial<S>;
  readonly ready: ConditionVerdict;
  readonly synced: ConditionVerdict;
  readonly events: readonly EventNote[];
  /** When to look again; undefined: at the next resync. */
  readonly requeueAfterMs: number | undefined;
}

export interface Decision extends Verdict<DataActionIntegrationStatus> {
  readonly actions: readonly Action[];
  /**
   * Set when the plan changes the integration's state: how the pass ends instead if the platform's answer to
   * that change already reports the state asked for (decide's `afterAct` applies it). Without it, every state
   * change would wait a transition poll for a Ready the answer already proved.
   */
  readonly onStateReached?: StateReached | undefined;
}

export interface StateReached {
  /** The reported state asked for: ACTIVE or INACTIVE. */
  readonly state: 'ACTIVE' | 'INACTIVE';
  readonly ready: ConditionVerdict;
  readonly requeueAfterMs: number | undefined;
}
