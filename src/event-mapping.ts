// Which resources a change in the cluster sends to which controller, and in which lane of its work queue
// (src/lib/priority.ts): named predicates and mappers, composed the way cert-manager's
// EnqueueCertificatesForResourceUsingPredicates composes them, so each rule can be tested on its own and
// operator.ts only wires them.
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  ACTION_ID_ANNOTATION,
  ACTION_MISSING_SINCE_ANNOTATION,
  ANNOTATIONS,
  CONDITION_TYPES,
  type DataActionIntegrationObject,
  type OrganizationObject,
} from './api/index.ts';
import type { Priority } from './lib/priority.ts';

/** Says whether `candidate` is affected by a change of the object it was built from. */
export type Predicate<T> = (candidate: T) => boolean;

export interface Lister<T> {
  list(namespace?: string): readonly T[];
}

export interface Queue {
  enqueue(namespace: string | undefined, name: string | undefined, priority: Priority): void;
}

export interface EventSource<T> {
  on(event: 'add' | 'delete', handler: (object: T) => void): unknown;
  on(event: 'update', handler: (previous: T, current: T) => void): unknown;
}

/**
 * Returns a handler that, given the object an event is about and a lane, enqueues every object of
 * `lister` in its namespace that all `predicates` (built from that object) accept.
 */
export function enqueueUsingPredicates<S extends KubernetesObject, T extends KubernetesObject>(
  queue: Queue,
  lister: Lister<T>,
  ...predicates: Array<(source: S) => Predicate<T>>
): (source: S, priority: Priority) => void {
  return (source, priority) => {
    const accepts = predicates.map((build) => build(source));
    for (const candidate of lister.list(source.metadata?.namespace)) {
      if (accepts.every((accept) => accept(candidate))) queue.enqueue(candidate.metadata?.namespace, candidate.metadata?.name, priority);
    }
  };
}

/**
 * The lane of the resources an organization's event concerns (its integrations): a change of their own
 * goes first; one of their organization is new work for them, so a rotation never waits behind a whole
 * organization's integrations.
 */
export function dependentPriority(priority: Priority): Priority {
  return priority === 'change' ? 'new' : priority;
}

/** Integrations whose `spec.organizationRef` names this organization. */
export const refersToOrganization =
  (organization: KubernetesObject): Predicate<DataActionIntegrationObject> =>
  (integration) =>
    integration.spec?.organizationRef?.name === organization.metadata?.name;

/** Integrations whose `spec.credentials.secretRef` names this Secret. */
export const refersToCredentialsSecret =
  (secret: KubernetesObject): Predicate<DataActionIntegrationObject> =>
  (integration) =>
    integration.spec?.credentials?.secretRef?.name === secret.metadata?.name;

/** Organizations whose `spec.oauthClientSecretRef` names this Secret. */
export const refersToOAuthSecret =
  (secret: KubernetesObject): Predicate<OrganizationObject> =>
  (organization) =>
    organization.spec?.oauthClientSecretRef?.name === secret.metadata?.name;

/**
 * An update the resource's own controller must look at: spec (generation), annotations, finalizers or
 * deletion. Status-only updates are the operator's own writes and need no other look, and so are its own
 * bookkeeping marks (see ownBookkeeping): the reconcile that wrote one goes on, or requeues, by itself.
 */
export function needsReconcile(previous: KubernetesObject, current: KubernetesObject): boolean {
  const p = previous.metadata;
  const c = current.metadata;
  return (
    p?.generation !== c?.generation ||
    p?.deletionTimestamp !== c?.deletionTimestamp ||
    changedAnnotations(previous, current).some((key) => !ownBookkeeping(key, current)) ||
    !onlyAddedFinalizer(p?.finalizers ?? [], c?.finalizers ?? [])
  );
}

/** Marks only the operator writes, for itself (a time a create was sent, a 404 first seen): never a user's request. */
const OPERATOR_MARKS: ReadonlySet<string> = new Set([
  ANNOTATIONS.createPending,
  ANNOTATIONS.credentialCreatePending,
  ANNOTATIONS.integrationMissingSince,
  ANNOTATIONS.credentialMissingSince,
  ACTION_MISSING_SINCE_ANNOTATION,
]);

/** Id annotations a user sets to adopt, and the status field where the operator records the id it writes there. */
const ID_ANNOTATIONS: Readonly<Record<string, string>> = {
  [ANNOTATIONS.integrationId]: 'integrationId',
  [ACTION_ID_ANNOTATION]: 'actionId',
};

/**
 * An annotation change the operator made for itself: one of its marks, or an id annotation now equal to the id
 * its status records (the operator writes the status first). An id a user sets to adopt differs from it.
 */
function ownBookkeeping(key: string, current: KubernetesObject): boolean {
  if (OPERATOR_MARKS.has(key)) return true;
  const field = ID_ANNOTATIONS[key];
  if (field === undefined) return false;
  const value = current.metadata?.annotations?.[key];
  const recorded = (current as { status?: Record<string, unknown> }).status?.[field];
  return value !== undefined && value === recorded;
}

function changedAnnotations(previous: KubernetesObject, current: KubernetesObject): string[] {
  const p = previous.metadata?.annotations ?? {};
  const c = current.metadata?.annotations ?? {};
  return [...new Set([...Object.keys(p), ...Object.keys(c)])].filter((key) => p[key] !== c[key]);
}

/** The finalizers are unchanged, or only gained entries (the operator adds its own before a first create). */
function onlyAddedFinalizer(previous: readonly string[], current: readonly string[]): boolean {
  return previous.every((f) => current.includes(f));
}

/** An organization update its integrations wait for: its Ready status or its spec changed. */
export function organizationReadinessChanged(previous: OrganizationObject, current: OrganizationObject): boolean {
  const ready = (o: OrganizationObject): string | undefined => o.status?.conditions?.find((c) => c.type === CONDITION_TYPES.ready)?.status;
  return ready(previous) !== ready(current) || previous.metadata?.generation !== current.metadata?.generation;
}

/** A Secret update that may change its data (the metadata-only cache sees every write as a new resourceVersion). */
export function secretChanged(previous: KubernetesObject, current: KubernetesObject): boolean {
  return previous.metadata?.resourceVersion !== current.metadata?.resourceVersion;
}

export interface EventMappingOptions {
  readonly integrations: EventSource<DataActionIntegrationObject> & Lister<DataActionIntegrationObject>;
  readonly organizations: EventSource<OrganizationObject> & Lister<OrganizationObject>;
  readonly secrets: EventSource<KubernetesObject>;
  readonly integrationQueue: Queue;
  readonly organizationQueue: Queue;
  /** Told when a Secret is deleted (to drop its cached data). */
  readonly onSecretDeleted?: (secret: KubernetesObject) => void;
  /**
   * True while no controller reconciles yet: what appears then is the initial listing (untouched keys,
   * most of them in sync already), not something applied while the operator runs. Default: never.
   */
  readonly beforeStart?: () => boolean;
}

/**
 * Registers the handlers that map informer events to controller keys, each in its lane: an object from
 * the initial listing is `initial`, one applied later `new`; a user's change to an object (spec,
 * annotations, finalizers, deletion) or to the data of its Secret is a `change`; the integrations an
 * organization's event concerns follow it as `new` work (see dependentPriority).
 */
export function mapEventsToKeys(options: EventMappingOptions): void {
  const { integrations, organizations, secrets, integrationQueue, organizationQueue } = options;
  const listing = (): boolean => options.beforeStart?.() ?? false;
  // What appeared: from the initial listing it waits behind work already started; applied later, it is new work.
  const appeared = (): Priority => (listing() ? 'initial' : 'new');
  const enqueueItself = (queue: Queue, o: KubernetesObject, priority: Priority): void =>
    queue.enqueue(o.metadata?.namespace, o.metadata?.name, priority);
  const integrationsOfOrganization = enqueueUsingPredicates(integrationQueue, integrations, refersToOrganization);
  const integrationsUsingSecret = enqueueUsingPredicates(integrationQueue, integrations, refersToCredentialsSecret);
  const organizationAndItsIntegrations = (o: OrganizationObject, priority: Priority): void => {
    enqueueItself(organizationQueue, o, priority);
    integrationsOfOrganization(o, dependentPriority(priority));
  };
  const integrationAndItsOrganization = (o: DataActionIntegrationObject, priority: Priority): void => {
    enqueueItself(integrationQueue, o, priority);
    // The organization keeps `status.inUseBy` and its finalizer up to date.
    organizationQueue.enqueue(o.metadata?.namespace, o.spec?.organizationRef?.name, dependentPriority(priority));
  };

  integrations.on('add', (o) => integrationAndItsOrganization(o, appeared()));
  integrations.on('delete', (o) => integrationAndItsOrganization(o, 'change'));
  organizations.on('add', (o) => organizationAndItsIntegrations(o, appeared()));
  organizations.on('delete', (o) => organizationAndItsIntegrations(o, 'change'));
  integrations.on('update', (previous, current) => {
    if (needsReconcile(previous, current)) enqueueItself(integrationQueue, current, 'change');
  });
  organizations.on('update', (previous, current) => {
    if (needsReconcile(previous, current)) enqueueItself(organizationQueue, current, 'change');
    // Integrations wait for their organization: tell them when its readiness changes.
    if (organizationReadinessChanged(previous, current)) integrationsOfOrganization(current, dependentPriority('change'));
  });

  const onSecret = (secret: KubernetesObject, priority: Priority): void => {
    integrationsUsingSecret(secret, priority);
    // An organization's session is rebuilt with the new OAuth client, and its integrations follow it.
    for (const organization of organizations.list(secret.metadata?.namespace).filter(refersToOAuthSecret(secret))) {
      organizationAndItsIntegrations(organization, priority);
    }
  };
  // A Secret that appears after the initial listing is one a resource was waiting for: a change for it.
  secrets.on('add', (secret) => onSecret(secret, listing() ? 'initial' : 'change'));
  secrets.on('update', (previous, current) => {
    if (secretChanged(previous, current)) onSecret(current, 'change');
  });
  secrets.on('delete', (secret) => {
    options.onSecretDeleted?.(secret);
    onSecret(secret, 'change');
  });
}
