// observe: reads everything decide needs about one DataActionIntegration, from the caches, its Secret
// and the platform. It changes nothing.
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  ANNOTATIONS,
  CONDITION_TYPES,
  DataActionIntegrationSchema,
  FINALIZER,
  RETRYABLE_REASONS,
  TERMINAL_REASONS,
  type DataActionIntegration,
  type GenesysCloudOrganization,
} from '../api/index.ts';
import { kindOf, type IntegrationKind } from '../integrations/index.ts';
import { isPlatformError, type Integration, type IntegrationConfig } from '../platform/index.ts';
import type { ReconcilerDeps } from './deps.ts';
import { carriesMarker } from './names.ts';
import { desiredNotes, managedByOf } from './notes.ts';
import type { Blocker, DesiredIntegration, Observation, ObservedIntegration, ObservedPlatform, ObservedResource } from './model.ts';
import { openSession, parseOrganization } from './org-access.ts';
import type { Known } from './org-index.ts';
import type { OrgSession, ResolvedType } from './org-sessions.ts';
import { credentialsRevision } from './revision.ts';

/** What act needs beyond the observation. */
export interface ObservedContext {
  readonly object: KubernetesObject;
  readonly resource: DataActionIntegration;
  readonly kind: IntegrationKind;
  readonly session: OrgSession | undefined;
  readonly resolved: ResolvedType | undefined;
  /** The config read with the integration: act writes over it without reading it again. */
  readonly config?: IntegrationConfig | undefined;
  /**
   * What was seen of the integration came, in part, from the org's shared listing rather than a read by id or
   * the answer of this operator's own write: a plan that writes to the platform is confirmed by a fresh read first.
   */
  readonly fromListing?: boolean | undefined;
}

export type ObserveResult =
  | { readonly ok: true; readonly observation: Observation; readonly context: ObservedContext }
  /** The object does not parse: only a status can be written. */
  | { readonly ok: false; readonly object: KubernetesObject; readonly message: string };

export async function observeIntegration(deps: ReconcilerDeps, object: KubernetesObject): Promise<ObserveResult> {
  const parsed = DataActionIntegrationSchema.safeParse(object);
  if (!parsed.success) {
    return {
      ok: false,
      object,
      message: `The resource does not match its schema: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    };
  }
  const resource = parsed.data;
  const kind = kindOf(resource.spec.type);
  const observed = observedResource(resource);
  const namespace = observed.namespace;
  const now = deps.now();
  if (observed.deleting && (await deps.kindBeingDeleted?.()) === true) {
    // Uninstall safety: the platform is neither read nor changed for a deletion nobody asked for.
    const observation = {
      now,
      resource: observed,
      desired: undefined,
      blocker: undefined,
      platform: { kind: 'skipped' } as const,
      typeId: undefined,
      ownCredentials: undefined,
    };
    return {
      ok: true,
      observation: { ...observation, kindBeingDeleted: true },
      context: { object, resource, kind, session: undefined, resolved: undefined },
    };
  }

  // The organization and its session. Without them nothing on the platform can be read or changed.
  const orgName = resource.spec.organizationRef.name;
  const org = parseOrganization(deps.organizations.get(namespace, orgName));
  const orgReady = org?.status?.conditions?.find((c) => c.type === CONDITION_TYPES.ready);
  if (org === undefined || orgReady?.status !== 'True') {
    const open = sessionForDeletion(deps, observed, orgName);
    if (open !== undefined) return observeWithSession(deps, object, resource, kind, observed, open, org);
    const why =
      org === undefined ? 'was not found' : `is not Ready${orgReady === undefined ? '' : ` (${orgReady.reason}: ${orgReady.message})`}`;
    return blocked(observed, kind, object, resource, now, {
      reason: RETRYABLE_REASONS.organizationNotReady,
      message: `GenesysCloudOrganization "${orgName}" ${why}`,
      allowsDeletion: false,
    });
  }
  const opened = await openSession(deps, org);
  if (!opened.ok) {
    const open = sessionForDeletion(deps, observed, orgName);
    if (open !== undefined) return observeWithSession(deps, object, resource, kind, observed, open, org);
    return blocked(observed, kind, object, resource, now, {
      reason: RETRYABLE_REASONS.organizationNotReady,
      message: `GenesysCloudOrganization "${orgName}": ${opened.message}`,
      allowsDeletion: false,
    });
  }
  return observeWithSession(deps, object, resource, kind, observed, opened.session, org);
}

/**
 * A deletion whose organization cannot open a session any more (its OAuth Secret or the organization went
 * first: a namespace deletion, an Argo CD prune) still deletes, with the session this process has open.
 */
function sessionForDeletion(deps: ReconcilerDeps, observed: ObservedResource, orgName: string): OrgSession | undefined {
  return observed.deleting ? deps.sessions.peek(`${observed.namespace}/${orgName}`) : undefined;
}

async function observeWithSession(
  deps: ReconcilerDeps,
  object: KubernetesObject,
  resource: DataActionIntegration,
  kind: IntegrationKind,
  observed: ObservedResource,
  session: OrgSession,
  org: GenesysCloudOrganization | undefined,
): Promise<ObserveResult> {
  const now = deps.now();
  const override = (org?.spec.integrationTypeIds as Record<string, string | undefined> | undefined)?.[kind.type];
  const resolved = await session.resolve(kind, override);
  if (resolved === undefined) {
    return blocked(observed, kind, object, resource, now, {
      reason: RETRYABLE_REASONS.platformError,
      message: `The organization's types catalogue has no ${kind.title} data actions type; set spec.integrationTypeIds.${kind.type} on the GenesysCloudOrganization`,
      allowsDeletion: false,
    });
  }

  let context: ObservedContext = { object, resource, kind, session, resolved };
  const { desired, blocker } = await desire(deps, resource, kind, resolved, session);
  const skipPlatform =
    (blocker !== undefined && !(observed.deleting && blocker.allowsDeletion)) ||
    (observed.deleting && observed.deletionPolicy === 'Orphan');
  let platform: ObservedPlatform = { kind: 'skipped' };
  let ownCredentials: readonly string[] | undefined;
  if (!skipPlatform) {
    const seen = await observePlatform(deps, session, observed, resolved, now, false);
    platform = seen.platform;
    context = { ...context, config: seen.config, fromListing: seen.fromListing };
    if (mayCreateCredential(observed, desired, platform)) ownCredentials = await credentialsNamedFor(session, observed);
  }
  const observation = { now, resource: observed, desired, blocker, platform, typeId: resolved.typeId, ownCredentials };
  return { ok: true, observation, context };
}

/**
 * The same observation with the integration read afresh by id: drift seen in the org's listing is confirmed
 * before anything is written (the listing may be older than a change made since).
 */
export async function observeFresh(deps: ReconcilerDeps, result: Extract<ObserveResult, { ok: true }>): Promise<ObserveResult> {
  const { context, observation } = result;
  if (context.session === undefined || context.resolved === undefined) return result;
  const seen = await observePlatform(deps, context.session, observation.resource, context.resolved, deps.now(), true);
  return {
    ok: true,
    observation: { ...observation, now: deps.now(), platform: seen.platform },
    context: { ...context, config: seen.config, fromListing: false },
  };
}

/** The name every credential this resource makes carries: it holds the resource's UID. */
export function credentialName(resource: { readonly namespace: string; readonly name: string; readonly uid: string }): string {
  return `dataaction-operator ${resource.namespace}/${resource.name} ${resource.uid}`;
}

/**
 * Whether this pass may create a credential or must clean up after one (no credential recorded, a create or
 * a 404 still marked, or a deletion): then the credentials listing is searched for ones named after it.
 */
function mayCreateCredential(resource: ObservedResource, desired: DesiredIntegration | undefined, platform: ObservedPlatform): boolean {
  if (resource.deleting) return true;
  // Credentials are written only to an integration that was found.
  if (desired?.credential === undefined || platform.kind !== 'found') return false;
  // With no create marked (a guarded mark, set before every credential create and cleared only once its id is
  // recorded) and none missing, no credential of this resource can exist unrecorded: nothing to search for.
  return resource.credentialPendingSince !== undefined || resource.credentialMissingSince !== undefined;
}

async function credentialsNamedFor(session: OrgSession, resource: ObservedResource): Promise<string[]> {
  const name = credentialName(resource);
  return (await session.client.listCredentials()).filter((c) => c.name === name).map((c) => c.id);
}

function blocked(
  observed: ObservedResource,
  kind: IntegrationKind,
  object: KubernetesObject,
  resource: DataActionIntegration,
  now: number,
  blocker: Blocker,
): ObserveResult {
  return {
    ok: true,
    observation: {
      now,
      resource: observed,
      desired: undefined,
      blocker,
      platform: { kind: 'skipped' },
      typeId: undefined,
      ownCredentials: undefined,
    },
    context: { object, resource, kind, session: undefined, resolved: undefined },
  };
}

/** An annotation holding an RFC 3339 time, as epoch ms; undefined when absent or unreadable. */
function timeOf(annotations: Record<string, string>, key: string): number | undefined {
  const value = annotations[key];
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function observedResource(resource: DataActionIntegration): ObservedResource {
  const annotations = resource.metadata.annotations ?? {};
  const annotatedId = annotations[ANNOTATIONS.integrationId]?.trim();
  return {
    uid: resource.metadata.uid ?? '',
    namespace: resource.metadata.namespace ?? '',
    name: resource.metadata.name,
    generation: resource.metadata.generation ?? 0,
    deleting: resource.metadata.deletionTimestamp !== undefined,
    hasFinalizer: resource.metadata.finalizers?.includes(FINALIZER) ?? false,
    annotatedId: annotatedId === '' ? undefined : annotatedId,
    createPendingSince: timeOf(annotations, ANNOTATIONS.createPending),
    credentialPendingSince: timeOf(annotations, ANNOTATIONS.credentialCreatePending),
    integrationMissingSince: timeOf(annotations, ANNOTATIONS.integrationMissingSince),
    credentialMissingSince: timeOf(annotations, ANNOTATIONS.credentialMissingSince),
    deletionPolicy: resource.spec.deletionPolicy,
    status: resource.status ?? {},
  };
}

async function desire(
  deps: ReconcilerDeps,
  resource: DataActionIntegration,
  kind: IntegrationKind,
  resolved: ResolvedType,
  session: OrgSession,
): Promise<{ desired: DesiredIntegration | undefined; blocker: Blocker | undefined }> {
  const spec = resource.spec as Record<string, unknown> & DataActionIntegration['spec'];
  const settings = kind.settings === undefined ? undefined : spec[kind.settings.key];
  const plan = kind.credentials(settings);
  let credential: DesiredIntegration['credential'];
  if (plan !== undefined) {
    const secretName = spec.credentials?.secretRef.name;
    if (secretName === undefined) {
      return {
        desired: undefined,
        blocker: {
          reason: TERMINAL_REASONS.invalidSpec,
          message: `spec.credentials.secretRef is required for spec.type ${kind.type}`,
          allowsDeletion: true,
        },
      };
    }
    const data = await deps.readSecret(resource.metadata.namespace ?? '', secretName);
    if (data === undefined) {
      return {
        desired: undefined,
        blocker: {
          reason: TERMINAL_REASONS.secretNotFound,
          message: `Secret "${secretName}" (spec.credentials.secretRef) was not found`,
          allowsDeletion: true,
        },
      };
    }
    deps.scrubber.replace(`DataActionIntegration ${resource.metadata.namespace ?? ''}/${resource.metadata.name}`, plan.secretValues(data));
    const mapped = plan.map(data);
    if (!mapped.ok) {
      const message = `Secret "${secretName}": ${mapped.issues.map((i) => i.message).join('; ')}`;
      return { desired: undefined, blocker: { reason: TERMINAL_REASONS.invalidCredentials, message, allowsDeletion: true } };
    }
    const revision = credentialsRevision(
      { orgSecret: session.revisionKey, uid: resource.metadata.uid ?? '' },
      plan.credentialTypeName,
      mapped.fields,
    );
    credential = { typeName: plan.credentialTypeName, fields: mapped.fields, revision };
  }
  const owner = { namespace: resource.metadata.namespace ?? '', name: resource.metadata.name, uid: resource.metadata.uid ?? '' };
  return {
    blocker: undefined,
    desired: {
      baseName: spec.displayName ?? resource.metadata.name,
      notes: desiredNotes(spec.notes, owner),
      active: spec.active,
      typeId: resolved.typeId,
      credentialSlot: resolved.credentialSlot,
      properties: kind.properties(settings),
      credential,
      maxInstances: resolved.maxInstances,
      deprecation: kind.deprecation,
    },
  };
}

async function observePlatform(
  deps: ReconcilerDeps,
  session: OrgSession,
  resource: ObservedResource,
  resolved: ResolvedType,
  now: number,
  fresh: boolean,
): Promise<{ platform: ObservedPlatform; config?: IntegrationConfig; fromListing?: boolean }> {
  const client = session.client;
  // The annotation, else the id the status recorded (written first, so a crash before the annotation
  // loses nothing).
  const id = resource.annotatedId ?? resource.status.integrationId;
  // A listing serves every resource of the org for half a resync: each resync sees one at most that old.
  const maxAgeMs = deps.resyncMs / 2;
  const searchMarker = async (): Promise<{ markerMatch: string | undefined; used: number }> => {
    const all = await client.listIntegrations({ integrationType: resolved.typeId });
    return { markerMatch: all.find((i) => carriesMarker(i.name, i.notes, resource.uid))?.id, used: all.length };
  };
  if (id === undefined) {
    // A create may have gone through under the pending mark: only a listing made now can show it.
    if (resource.createPendingSince !== undefined) return { platform: { kind: 'searched', ...(await searchMarker()) } };
    // No create was ever marked, so nothing carries this resource's marker that the shared index could miss;
    // the index counts the type for the install limit, kept current by this operator's own creates.
    const index = await session.listedSince(now - maxAgeMs, () => deps.now());
    const markerMatch = index.markerOf(resource.uid, resolved.typeId);
    return { platform: { kind: 'searched', markerMatch, used: index.countOfType(resolved.typeId) } };
  }
  const known = fresh ? {} : await knownParts(deps, session, id, now, maxAgeMs);
  try {
    const [integration, config, credentialGone] = await Promise.all([
      known.integration?.value ?? client.getIntegration(id),
      known.config?.value ?? client.getConfig(id),
      isCredentialGone(session, resource, now),
    ]);
    const observed = toObserved(integration, config, credentialGone, claimantOf(deps, config.notes, resource.uid));
    const fromListing = known.integration?.source === 'listing' || known.config?.source === 'listing';
    return { platform: { kind: 'found', integration: observed }, config, fromListing };
  } catch (error) {
    if (!(isPlatformError(error) && error.code === 'NotFound')) throw error;
    // A 404 right after a write may be a read that lags: the listing says whether the marker is still there.
    const recorded = resource.status.integrationId === id;
    return { platform: { kind: 'missing', id, markerMatch: recorded ? (await searchMarker()).markerMatch : undefined } };
  }
}

/**
 * What the org's index knows of the integration that is recent enough to stand in for reads by id: from a
 * listing of the last half resync (one is made when there is none), or from the answers of this operator's
 * own writes. A state still on its way, or in error, is read by id: the next look must see it move.
 */
async function knownParts(
  deps: ReconcilerDeps,
  session: OrgSession,
  id: string,
  now: number,
  maxAgeMs: number,
): Promise<{ integration?: Known<Integration>; config?: Known<IntegrationConfig> }> {
  let index = await session.index();
  let known = index.known(id, now, maxAgeMs);
  if (known.integration === undefined && (index.listedSince ?? -Infinity) < now - maxAgeMs) {
    index = await session.listedSince(now - maxAgeMs, () => deps.now());
    known = index.known(id, now, maxAgeMs);
  }
  if (known.integration !== undefined && !settled(known.integration.value))
    return known.config === undefined ? {} : { config: known.config };
  return known;
}

/** The reported state is the one the intended state leads to. */
function settled(integration: Integration): boolean {
  const code = integration.reportedState?.code;
  return (
    (integration.intendedState === 'ENABLED' && code === 'ACTIVE') || (integration.intendedState === 'DISABLED' && code === 'INACTIVE')
  );
}

/** Another live resource whose managed-by line ends the notes ("namespace/name"), if any. */
function claimantOf(deps: ReconcilerDeps, notes: string, uid: string): string | undefined {
  const owner = managedByOf(notes);
  if (owner === undefined || owner.uid === uid) return undefined;
  const other = deps.integrations.get(owner.namespace, owner.name);
  return other?.metadata?.uid === owner.uid ? `${owner.namespace}/${owner.name}` : undefined;
}

/**
 * Whether the credential this resource wrote was deleted on the platform. Asked only of a live resource
 * that has one: a deletion treats 404 as done anyway.
 */
async function isCredentialGone(session: OrgSession, resource: ObservedResource, now: number): Promise<boolean> {
  const id = resource.status.credentialId;
  if (id === undefined || resource.deleting) return false;
  return !(await session.credentialExists(id, now));
}

function toObserved(
  integration: Integration,
  config: IntegrationConfig,
  ownedCredentialGone: boolean,
  claimedBy: string | undefined,
): ObservedIntegration {
  return {
    claimedBy,
    id: integration.id,
    typeId: integration.integrationType.id,
    intendedState: integration.intendedState,
    reportedState: integration.reportedState?.code,
    reportedMessage: integration.reportedState?.detail?.message ?? integration.reportedState?.effective,
    ownedCredentialGone,
    config: {
      name: config.name,
      notes: config.notes,
      properties: config.properties,
      credentialLinks: Object.fromEntries(Object.entries(config.credentials).map(([slot, ref]) => [slot, ref.id])),
    },
  };
}
