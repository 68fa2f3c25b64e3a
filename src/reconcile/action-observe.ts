// observe for a DataAction: its integration (which must be Ready), the organization's session, the
// templates its ConfigMaps hold, and the action on the platform. It changes nothing.
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  ACTION_ID_ANNOTATION,
  ACTION_MISSING_SINCE_ANNOTATION,
  ACTION_REASONS,
  ANNOTATIONS,
  CONDITION_TYPES,
  DataActionSchema,
  FINALIZER,
  RETRYABLE_REASONS,
  type DataAction,
  type DataActionIntegrationObject,
} from '../api/index.ts';
import { isPlatformError, type Action, type ActionsClient } from '../platform/index.ts';
import type { ActionClients } from './action-clients.ts';
import { actionMarkerName } from './action-decide.ts';
import {
  actionContentOf,
  type ActionBlocker,
  type ActionObservation,
  type DesiredAction,
  type ObservedActionPlatform,
  type ObservedActionResource,
  type PlatformAction,
} from './action-model.ts';
import type { ObjectCache, ReconcilerDeps, ResourceWriter } from './deps.ts';
import { openSession, parseOrganization } from './org-access.ts';

export interface ActionReconcilerDeps extends ReconcilerDeps {
  readonly actionWriter: ResourceWriter;
  readonly actions: ObjectCache;
  /** The data of a ConfigMap in the namespace; undefined when it does not exist. */
  readConfigMap(namespace: string, name: string): Promise<Readonly<Record<string, string>> | undefined>;
  readonly actionClients: ActionClients;
}

export type ActionObserveResult =
  | {
      readonly ok: true;
      readonly observation: ActionObservation;
      readonly resource: DataAction;
      readonly client: ActionsClient | undefined;
    }
  | { readonly ok: false; readonly message: string };

export async function observeAction(deps: ActionReconcilerDeps, object: KubernetesObject): Promise<ActionObserveResult> {
  const parsed = DataActionSchema.safeParse(object);
  if (!parsed.success) {
    return { ok: false, message: `The resource does not match its schema: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}` };
  }
  const resource = parsed.data;
  let observed = observedResource(resource);
  if (observed.deleting && (await deps.kindBeingDeleted?.()) === true) {
    // Uninstall safety: a DataAction deleted with its CRD is orphaned, and the platform is not read.
    observed = { ...observed, deletionPolicy: 'Orphan' };
  }
  const now = deps.now();
  const outcome = (
    desired: DesiredAction | undefined,
    blocker: ActionBlocker | undefined,
    platform: ObservedActionPlatform,
    client?: ActionsClient,
  ): ActionObserveResult => ({ ok: true, observation: { now, resource: observed, desired, blocker, platform }, resource, client });

  const reached = await reachIntegration(deps, resource, observed.deleting);
  if ('blocker' in reached) return outcome(undefined, reached.blocker, { kind: 'skipped' });
  const { client, integrationId } = reached;
  if (observed.deleting && observed.deletionPolicy === 'Orphan') return outcome(undefined, undefined, { kind: 'skipped' });
  const { desired, blocker } = await desire(deps, resource, integrationId);
  if (blocker !== undefined && !(observed.deleting && blocker.allowsDeletion)) return outcome(desired, blocker, { kind: 'skipped' });
  const platform = await observePlatform(client, observed, integrationId, desired?.content.name ?? resource.metadata.name);
  return outcome(desired, blocker, platform, client);
}

type Reached = { readonly client: ActionsClient; readonly integrationId: string } | { readonly blocker: ActionBlocker };

/** The integration (Ready, with an id), its organization and session, and the actions client of that session. */
async function reachIntegration(deps: ActionReconcilerDeps, resource: DataAction, deleting: boolean): Promise<Reached> {
  const namespace = resource.metadata.namespace ?? '';
  const name = resource.spec.integrationRef.name;
  const integration = deps.integrations.get(namespace, name) as DataActionIntegrationObject | undefined;
  const ready = integration?.status?.conditions?.find((c) => c.type === CONDITION_TYPES.ready);
  const integrationId = integration?.status?.integrationId;
  // A deletion needs only the integration's id and a session: its actions go while it is being deleted.
  if (integration === undefined || integrationId === undefined || (!deleting && ready?.status !== 'True')) {
    const why =
      integration === undefined ? 'was not found' : `is not Ready${ready === undefined ? '' : ` (${ready.reason}: ${ready.message})`}`;
    return blocker(ACTION_REASONS.integrationNotReady, `DataActionIntegration "${name}" ${why}`);
  }
  const orgName = integration.spec.organizationRef.name;
  const org = parseOrganization(deps.organizations.get(namespace, orgName));
  if (org === undefined) return blocker(RETRYABLE_REASONS.organizationNotReady, `GenesysCloudOrganization "${orgName}" was not found`);
  const opened = await openSession(deps, org);
  if (!opened.ok) return blocker(RETRYABLE_REASONS.organizationNotReady, `GenesysCloudOrganization "${orgName}": ${opened.message}`);
  const secret = await deps.readSecret(namespace, org.spec.oauthClientSecretRef.name);
  const client = deps.actionClients.clientFor({
    sessionKey: opened.session.key,
    fingerprint: opened.session.fingerprint,
    options: {
      endpoints: deps.sessions.endpointsOf(org),
      clientId: (secret?.clientId ?? '').trim(),
      clientSecret: (secret?.clientSecret ?? '').trim(),
    },
    requestsPerMinute: org.spec.requestsPerMinute,
    budget: opened.session.budget,
  });
  return { client, integrationId };
}

function blocker(reason: ActionBlocker['reason'], message: string): { readonly blocker: ActionBlocker } {
  return { blocker: { reason, message, allowsDeletion: false } };
}

function observedResource(resource: DataAction): ObservedActionResource {
  const annotations = resource.metadata.annotations ?? {};
  const annotatedId = annotations[ACTION_ID_ANNOTATION]?.trim();
  const pending = Date.parse(annotations[ANNOTATIONS.createPending] ?? '');
  const missing = Date.parse(annotations[ACTION_MISSING_SINCE_ANNOTATION] ?? '');
  return {
    uid: resource.metadata.uid ?? '',
    generation: resource.metadata.generation ?? 0,
    deleting: resource.metadata.deletionTimestamp !== undefined,
    hasFinalizer: resource.metadata.finalizers?.includes(FINALIZER) ?? false,
    annotatedId: annotatedId === '' ? undefined : annotatedId,
    createPendingSince: Number.isNaN(pending) ? undefined : pending,
    actionMissingSince: Number.isNaN(missing) ? undefined : missing,
    deletionPolicy: resource.spec.deletionPolicy,
    testInput: resource.spec.test?.input,
    status: resource.status ?? {},
  };
}

/** The content the spec asks for, in the SDK's shapes; templates from ConfigMaps are read here. */
async function desire(
  deps: ActionReconcilerDeps,
  resource: DataAction,
  integrationId: string,
): Promise<{ desired: DesiredAction | undefined; blocker: ActionBlocker | undefined }> {
  const { spec } = resource;
  const namespace = resource.metadata.namespace ?? '';
  const read = async (inline: string | undefined, from: { configMapKeyRef: { name: string; key: string } } | undefined, field: string) => {
    if (from === undefined) return { text: inline };
    const { name, key } = from.configMapKeyRef;
    const data = await deps.readConfigMap(namespace, name);
    const text = data?.[key];
    if (text === undefined) {
      const message = `${field}: ConfigMap "${name}" ${data === undefined ? 'was not found' : `has no key "${key}"`}`;
      return { blocker: { reason: ACTION_REASONS.templateNotFound, message, allowsDeletion: true } };
    }
    return { text };
  };
  const requestTemplate = await read(spec.request.requestTemplate, spec.request.requestTemplateFrom, 'spec.request.requestTemplateFrom');
  if ('blocker' in requestTemplate) return { desired: undefined, blocker: requestTemplate.blocker };
  const successTemplate = await read(
    spec.response?.successTemplate,
    spec.response?.successTemplateFrom,
    'spec.response.successTemplateFrom',
  );
  if ('blocker' in successTemplate) return { desired: undefined, blocker: successTemplate.blocker };
  const content = actionContentOf(resource, { request: requestTemplate.text, success: successTemplate.text });
  return { desired: { integrationId, content }, blocker: undefined };
}

async function observePlatform(
  client: ActionsClient,
  resource: ObservedActionResource,
  integrationId: string,
  wantedName: string,
): Promise<ObservedActionPlatform> {
  const id = resource.annotatedId ?? resource.status.actionId;
  if (id === undefined) return search(client, resource, integrationId, wantedName);
  try {
    const [action, draft] = await Promise.all([client.getAction(id), client.getDraft(id)]);
    const observed = toPlatformAction(action);
    const nameHeldBy =
      observed.content.name === wantedName
        ? undefined
        : (await client.listActions({ name: wantedName })).find((a) => a.id !== id && (a.integrationId ?? integrationId) === integrationId)
            ?.id;
    return { kind: 'found', action: observed, draftVersion: draft?.version, nameHeldBy };
  } catch (error) {
    if (!(isPlatformError(error) && error.code === 'NotFound')) throw error;
    return { kind: 'missing', id, listed: resource.status.actionId === id && (await stillListed(client, resource, id, wantedName)) };
  }
}

/**
 * No id known: one listing tells whether the wanted name is free and, while a create is marked pending (only
 * then can an action carry this resource's marker: the mark is written before any create is sent and cleared
 * only once its id is recorded or nothing was made), finds the action that create made. The name filter cannot
 * match both names, so a pending create lists all actions. An action found by its marker is read at once (action
 * and draft), so this pass records and publishes it; a read that lags leaves the marker match to record.
 */
async function search(
  client: ActionsClient,
  resource: ObservedActionResource,
  integrationId: string,
  wantedName: string,
): Promise<ObservedActionPlatform> {
  const pending = resource.createPendingSince !== undefined;
  const ofIntegration = (await client.listActions(pending ? {} : { name: wantedName })).filter(
    (a) => (a.integrationId ?? integrationId) === integrationId,
  );
  const marker = actionMarkerName(wantedName, resource.uid);
  const markerMatch = pending ? ofIntegration.find((a) => a.name === marker)?.id : undefined;
  const nameHeldBy = ofIntegration.find((a) => a.name === wantedName && a.id !== markerMatch)?.id;
  if (markerMatch === undefined) return { kind: 'searched', markerMatch, nameHeldBy };
  try {
    const [action, draft] = await Promise.all([client.getAction(markerMatch), client.getDraft(markerMatch)]);
    return { kind: 'found', action: toPlatformAction(action), draftVersion: draft?.version, nameHeldBy };
  } catch (error) {
    if (!(isPlatformError(error) && error.code === 'NotFound')) throw error;
    return { kind: 'searched', markerMatch, nameHeldBy };
  }
}

/**
 * Whether a listing still shows the recorded action that answered 404: under the name it was published with,
 * or, until its first publish, under the creation marker it was created with.
 */
async function stillListed(client: ActionsClient, resource: ObservedActionResource, id: string, wantedName: string): Promise<boolean> {
  const names = new Set([resource.status.platformName ?? wantedName, actionMarkerName(wantedName, resource.uid)]);
  for (const name of names) {
    if ((await client.listActions({ name })).some((a) => a.id === id)) return true;
  }
  return false;
}

function toPlatformAction(action: Action): PlatformAction {
  return {
    id: action.id,
    integrationId: action.integrationId,
    version: action.version ?? 0,
    content: {
      name: action.name,
      category: action.category ?? '',
      secure: action.secure ?? false,
      contract: action.contract ?? {},
      config: action.config ?? {},
    },
  };
}
