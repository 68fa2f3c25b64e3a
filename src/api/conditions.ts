// Condition types and reasons, the vocabulary of `status.conditions`. Argo CD's health checks and the
// README's troubleshooting section are keyed by these strings: change them only with both.
import { z } from 'zod';

export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;
export type ConditionStatus = (typeof CONDITION_STATUSES)[number];

/** metav1.Condition. */
export const ConditionSchema = z.object({
  type: z.string().min(1).max(316).describe('Type of condition in CamelCase, e.g. Ready or Synced.'),
  status: z.enum(CONDITION_STATUSES).describe('Status of the condition: True, False or Unknown.'),
  observedGeneration: z.number().int().min(0).optional().describe('The .metadata.generation the condition was set from.'),
  lastTransitionTime: z
    .string()
    .max(64)
    .meta({ format: 'date-time' })
    .describe('Last time the condition transitioned from one status to another.'),
  reason: z.string().min(1).max(1024).describe("A programmatic identifier of the condition's last transition, in CamelCase."),
  message: z.string().max(32768).describe('A human readable message with details about the transition.'),
});
export type Condition = z.infer<typeof ConditionSchema>;

export const ConditionsSchema = z
  .array(ConditionSchema)
  .max(16)
  .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })
  .describe('The latest available observations of the resource.');

/** A condition as the reconciler decides it; setCondition stamps the transition time. */
export type ConditionUpdate = Omit<Condition, 'lastTransitionTime'>;

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

/**
 * Sets one condition, like apimachinery's meta.SetStatusCondition: `lastTransitionTime` moves only
 * when the status flips, so it tells a person since when the condition has held. Order is kept; a new
 * type is appended. Pure: returns a new array.
 */
export function setCondition(conditions: readonly Condition[] | undefined, next: ConditionUpdate, now: Date): Condition[] {
  const existing = findCondition(conditions, next.type);
  const lastTransitionTime = existing !== undefined && existing.status === next.status ? existing.lastTransitionTime : formatTime(now);
  const updated: Condition = { ...next, lastTransitionTime };
  if (existing === undefined) return [...(conditions ?? []), updated];
  return (conditions ?? []).map((condition) => (condition.type === next.type ? updated : condition));
}

/** metav1.Time's wire format: RFC 3339 without fractional seconds. */
export function formatTime(time: Date): string {
  return time.toISOString().replace(/\.\d+Z$/, 'Z');
}

export const CONDITION_TYPES = { ready: 'Ready', synced: 'Synced', tested: 'Tested' } as const;

/** Reasons of a DataActionIntegration's Ready condition. */
export const READY_REASONS = {
  available: 'Available',
  creating: 'Creating',
  activating: 'Activating',
  deactivating: 'Deactivating',
  deleting: 'Deleting',
  error: 'Error',
} as const;

/**
 * Reasons of Synced=False (and of an organization's Ready=False). Terminal reasons need a person to
 * change something; retryable ones the operator keeps retrying on its own.
 */
export const TERMINAL_REASONS = {
  secretNotFound: 'SecretNotFound',
  invalidCredentials: 'InvalidCredentials',
  quotaExceeded: 'QuotaExceeded',
  unauthorized: 'Unauthorized',
  endpointNotAllowed: 'EndpointNotAllowed',
  invalidSpec: 'InvalidSpec',
  /** The integration a user named in dataactions.dev/integration-id does not exist on the platform. */
  integrationNotFound: 'IntegrationNotFound',
} as const;

export const RETRYABLE_REASONS = {
  organizationNotReady: 'OrganizationNotReady',
  createIncomplete: 'CreateIncomplete',
  rateLimited: 'RateLimited',
  platformError: 'PlatformError',
} as const;

/** Reasons only a DataAction's conditions carry (Ready, Synced and Tested). */
export const ACTION_REASONS = {
  /** Ready=True: the action is published and matches the spec. */
  published: 'Published',
  /** Synced=False, retried: its DataActionIntegration is missing or not Ready. */
  integrationNotReady: 'IntegrationNotReady',
  /** Synced=False, terminal: a draft of the spec failed the platform's validation; the published action is untouched. */
  draftInvalid: 'DraftInvalid',
  /** Synced=False, terminal: a ConfigMap key a template comes from is missing. */
  templateNotFound: 'TemplateNotFound',
  /** Synced=False, terminal: another action of the integration carries the name. */
  nameTaken: 'NameTaken',
  /** Tested=True / False: the outcome of spec.test. */
  testPassed: 'TestPassed',
  testFailed: 'TestFailed',
} as const;

export const SYNCED_REASONS = {
  reconcileSuccess: 'ReconcileSuccess',
  ...TERMINAL_REASONS,
  ...RETRYABLE_REASONS,
  integrationNotReady: ACTION_REASONS.integrationNotReady,
  draftInvalid: ACTION_REASONS.draftInvalid,
  templateNotFound: ACTION_REASONS.templateNotFound,
  nameTaken: ACTION_REASONS.nameTaken,
} as const;

export const ORGANIZATION_READY_REASONS = {
  connected: 'Connected',
  secretNotFound: 'SecretNotFound',
  invalidCredentials: 'InvalidCredentials',
  unauthorized: 'Unauthorized',
  endpointNotAllowed: 'EndpointNotAllowed',
  invalidSpec: 'InvalidSpec',
  rateLimited: 'RateLimited',
  platformError: 'PlatformError',
} as const;

export type OrganizationReadyReason = (typeof ORGANIZATION_READY_REASONS)[keyof typeof ORGANIZATION_READY_REASONS];

/**
 * Reasons of the Events the operator records. Failures are also recorded as Warnings with their Synced
 * (or organization Ready) reason; the README's "Everyday kubectl" lists them all.
 */
export const EVENT_REASONS = {
  created: 'Created',
  nameChosen: 'NameChosen',
  credentialsWritten: 'CredentialsWritten',
  activating: 'Activating',
  deactivating: 'Deactivating',
  driftReverted: 'DriftReverted',
  /** Deleted by hand on the platform: created again. */
  integrationMissing: 'IntegrationMissing',
  deleted: 'Deleted',
  orphaned: 'Orphaned',
  deprecated: 'Deprecated',
  /** An organization being deleted that integrations still reference (or an integration that actions do). */
  inUse: 'InUse',
  /** A DataAction's draft was published. */
  published: ACTION_REASONS.published,
  /** A DataAction's action was deleted by hand on the platform: created again. */
  actionMissing: 'ActionMissing',
  /** A DataAction's contract changed: flows that use the action may break. */
  contractChanged: 'ContractChanged',
  connected: ORGANIZATION_READY_REASONS.connected,
} as const;

export type EventReason = (typeof EVENT_REASONS)[keyof typeof EVENT_REASONS] | SyncedReason | OrganizationReadyReason;

export type SyncedReason = (typeof SYNCED_REASONS)[keyof typeof SYNCED_REASONS];
export type ReadyReason = (typeof READY_REASONS)[keyof typeof READY_REASONS] | SyncedReason | typeof ACTION_REASONS.published;
