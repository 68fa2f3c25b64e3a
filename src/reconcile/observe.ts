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
} from '../api/index.ts';
import { kindOf, type IntegrationKind } from '../integrations/index.ts';
import { isPlatformError, type Integration, type IntegrationConfig } from '../platform/index.ts';
import type { ReconcilerDeps } from './deps.ts';
import { carriesMarker } from './names.ts';
import { desiredNotes } from './notes.ts';
import type { Blocker, DesiredIntegration, Observation, ObservedIntegration, ObservedPlatform, ObservedResource } from './model.ts';
import { openSession, parseOrganization } from './org-access.ts';
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
    const observation = { now, resource: observed, desired: undefined, blocker: undefined, platform: { kind: 'skipped' } as const };
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
    return blocked(observed, kind, object, resource, now, {
      reason: RETRYABLE_REASONS.organizationNotReady,
      message: `GenesysCloudOrganization "${orgName}": ${opened.message}`,
      allowsDeletion: false,
    });
  }
  const session = opened.session;
  const override = (org.spec.integrationTypeIds as Record<string, string | undefined> | undefined)?.[kind.type];
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
  if (!skipPlatform) {
    const seen = await observePlatform(session, observed, resolved, now);
    platform = seen.platform;
    context = { ...context, config: seen.config };
  }
  return { ok: true, observation: { now, resource: observed, desired, blocker, platform }, context };
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
    observation: { now, resource: observed, desired: undefined, blocker, platform: { kind: 'skipped' } },
    context: { object, resource, kind, session: undefined, resolved: undefined },
  };
}

function observedResource(resource: DataActionIntegration): ObservedResource {
  const annotations = resource.metadata.annotations ?? {};
  const pending = annotations[ANNOTATIONS.createPending];
  const pendingMs = pending === undefined ? Number.NaN : Date.parse(pending);
  const annotatedId = annotations[ANNOTATIONS.integrationId]?.trim();
  return {
    uid: resource.metadata.uid ?? '',
    namespace: resource.metadata.namespace ?? '',
    name: resource.metadata.name,
    generation: resource.metadata.generation ?? 0,
    deleting: resource.metadata.deletionTimestamp !== undefined,
    hasFinalizer: resource.metadata.finalizers?.includes(FINALIZER) ?? false,
    annotatedId: annotatedId === '' ? undefined : annotatedId,
    createPendingSince: Number.isNaN(pendingMs) ? undefined : pendingMs,
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
    for (const value of Object.values(data)) deps.scrubber.add(value);
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
  session: OrgSession,
  resource: ObservedResource,
  resolved: ResolvedType,
  now: number,
): Promise<{ platform: ObservedPlatform; config?: IntegrationConfig }> {
  const client = session.client;
  if (resource.annotatedId !== undefined) {
    const id = resource.annotatedId;
    try {
      const [integration, config, credentialGone] = await Promise.all([
        client.getIntegration(id),
        client.getConfig(id),
        isCredentialGone(session, resource, now),
      ]);
      return { platform: { kind: 'found', integration: toObserved(integration, config, credentialGone) }, config };
    } catch (error) {
      if (isPlatformError(error) && error.code === 'NotFound') return { platform: { kind: 'missing', id } };
      throw error;
    }
  }
  const all = await client.listIntegrations({ integrationType: resolved.typeId });
  const match = all.find((i) => carriesMarker(i.name, i.notes, resource.uid));
  return { platform: { kind: 'searched', markerMatch: match?.id, used: all.length } };
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

function toObserved(integration: Integration, config: IntegrationConfig, ownedCredentialGone: boolean): ObservedIntegration {
  return {
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
