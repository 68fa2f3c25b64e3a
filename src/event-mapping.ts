// Which resources a change in the cluster sends to which controller: named predicates and mappers,
// composed the way cert-manager's EnqueueCertificatesForResourceUsingPredicates composes them, so each
// rule can be tested on its own and operator.ts only wires them.
import type { KubernetesObject } from '@kubernetes/client-node';
import { CONDITION_TYPES, type DataActionIntegrationObject, type OrganizationObject } from './api/index.ts';

/** Says whether `candidate` is affected by a change of the object it was built from. */
export type Predicate<T> = (candidate: T) => boolean;

export interface Lister<T> {
  list(namespace?: string): readonly T[];
}

export interface Queue {
  enqueue(namespace: string | undefined, name: string | undefined): void;
}

export interface EventSource<T> {
  on(event: 'add' | 'delete', handler: (object: T) => void): unknown;
  on(event: 'update', handler: (previous: T, current: T) => void): unknown;
}

/**
 * Returns a handler that, given the object an event is about, enqueues every object of `lister` in its
 * namespace that all `predicates` (built from that object) accept.
 */
export function enqueueUsingPredicates<S extends KubernetesObject, T extends KubernetesObject>(
  queue: Queue,
  lister: Lister<T>,
  ...predicates: Array<(source: S) => Predicate<T>>
): (source: S) => void {
  return (source) => {
    const accepts = predicates.map((build) => build(source));
    for (const candidate of lister.list(source.metadata?.namespace)) {
      if (accepts.every((accept) => accept(candidate))) queue.enqueue(candidate.metadata?.namespace, candidate.metadata?.name);
    }
  };
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
 * deletion. Status-only updates are the operator's own writes and need no other look.
 */
export function needsReconcile(previous: KubernetesObject, current: KubernetesObject): boolean {
  const p = previous.metadata;
  const c = current.metadata;
  return (
    p?.generation !== c?.generation ||
    JSON.stringify(p?.annotations ?? {}) !== JSON.stringify(c?.annotations ?? {}) ||
    JSON.stringify(p?.finalizers ?? []) !== JSON.stringify(c?.finalizers ?? []) ||
    p?.deletionTimestamp !== c?.deletionTimestamp
  );
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
}

/** Registers the handlers that map informer events to controller keys. */
export function mapEventsToKeys(options: EventMappingOptions): void {
  const { integrations, organizations, secrets, integrationQueue, organizationQueue } = options;
  const enqueueItself = (queue: Queue, o: KubernetesObject): void => queue.enqueue(o.metadata?.namespace, o.metadata?.name);
  const integrationsOfOrganization = enqueueUsingPredicates(integrationQueue, integrations, refersToOrganization);
  const integrationsUsingSecret = enqueueUsingPredicates(integrationQueue, integrations, refersToCredentialsSecret);
  const organizationAndItsIntegrations = (o: OrganizationObject): void => {
    enqueueItself(organizationQueue, o);
    integrationsOfOrganization(o);
  };

  for (const event of ['add', 'delete'] as const) {
    integrations.on(event, (o) => {
      enqueueItself(integrationQueue, o);
      // The organization keeps `status.inUseBy` and its finalizer up to date.
      organizationQueue.enqueue(o.metadata?.namespace, o.spec?.organizationRef?.name);
    });
    organizations.on(event, organizationAndItsIntegrations);
  }
  integrations.on('update', (previous, current) => {
    if (needsReconcile(previous, current)) enqueueItself(integrationQueue, current);
  });
  organizations.on('update', (previous, current) => {
    if (needsReconcile(previous, current)) enqueueItself(organizationQueue, current);
    // Integrations wait for their organization: tell them when its readiness changes.
    if (organizationReadinessChanged(previous, current)) integrationsOfOrganization(current);
  });

  const onSecret = (secret: KubernetesObject): void => {
    integrationsUsingSecret(secret);
    // An organization's session is rebuilt with the new OAuth client, and its integrations follow it.
    organizations.list(secret.metadata?.namespace).filter(refersToOAuthSecret(secret)).forEach(organizationAndItsIntegrations);
  };
  secrets.on('add', onSecret);
  secrets.on('update', (previous, current) => {
    if (secretChanged(previous, current)) onSecret(current);
  });
  secrets.on('delete', (secret) => {
    options.onSecretDeleted?.(secret);
    onSecret(secret);
  });
}
