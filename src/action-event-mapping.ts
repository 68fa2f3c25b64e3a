// Which DataActions a change in the cluster sends to their controller, and which integrations a DataAction
// wakes: the rules of event-mapping.ts, for the third kind, and the ConfigMaps its templates come from.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Priority } from './lib/priority.ts';
import { CONDITION_TYPES, type DataActionIntegrationObject, type DataActionObject } from './api/index.ts';
import {
  dependentPriority,
  enqueueUsingPredicates,
  needsReconcile,
  type EventSource,
  type Lister,
  type Predicate,
  type Queue,
} from './event-mapping.ts';

/** DataActions whose `spec.integrationRef` names this integration. */
export const refersToIntegration =
  (integration: KubernetesObject): Predicate<DataActionObject> =>
  (action) =>
    action.spec?.integrationRef?.name === integration.metadata?.name;

/** DataActions with a template from this ConfigMap (`requestTemplateFrom` or `successTemplateFrom`). */
export const refersToTemplateConfigMap =
  (configMap: KubernetesObject): Predicate<DataActionObject> =>
  (action) => {
    const name = configMap.metadata?.name;
    return (
      action.spec?.request?.requestTemplateFrom?.configMapKeyRef?.name === name ||
      action.spec?.response?.successTemplateFrom?.configMapKeyRef?.name === name
    );
  };

/** A ConfigMap update that may change its data (the identity-only cache sees every write as a new resourceVersion). */
export function configMapChanged(previous: KubernetesObject, current: KubernetesObject): boolean {
  return previous.metadata?.resourceVersion !== current.metadata?.resourceVersion;
}

/** An integration update its actions wait for: its Ready status or its platform id changed. */
export function integrationReadinessChanged(previous: DataActionIntegrationObject, current: DataActionIntegrationObject): boolean {
  const ready = (o: DataActionIntegrationObject): string | undefined =>
    o.status?.conditions?.find((c) => c.type === CONDITION_TYPES.ready)?.status;
  return (
    ready(previous) !== ready(current) ||
    previous.status?.integrationId !== current.status?.integrationId ||
    needsReconcile(previous, current)
  );
}

export interface ActionEventMappingOptions {
  readonly actions: EventSource<DataActionObject> & Lister<DataActionObject>;
  readonly integrations: EventSource<DataActionIntegrationObject>;
  /** ConfigMaps, identity only (src/kube/config-map.ts); absent, a template change waits for the resync. */
  readonly configMaps?: EventSource<KubernetesObject>;
  readonly actionQueue: Queue;
  readonly integrationQueue: Queue;
  /** True while no controller reconciles yet (see EventMappingOptions.beforeStart). Default: never. */
  readonly beforeStart?: () => boolean;
}

export function mapActionEventsToKeys(options: ActionEventMappingOptions): void {
  const { actions, integrations, actionQueue, integrationQueue } = options;
  const actionsOfIntegration = enqueueUsingPredicates(actionQueue, actions, refersToIntegration);
  const appeared = (): Priority => (options.beforeStart?.() === true ? 'initial' : 'new');
  const actionAndItsIntegration = (o: DataActionObject, priority: Priority): void => {
    actionQueue.enqueue(o.metadata?.namespace, o.metadata?.name, priority);
    // An integration being deleted waits for its actions: a deleted action wakes it.
    integrationQueue.enqueue(o.metadata?.namespace, o.spec?.integrationRef?.name, dependentPriority(priority));
  };
  actions.on('add', (o) => actionAndItsIntegration(o, appeared()));
  actions.on('delete', (o) => actionAndItsIntegration(o, 'change'));
  integrations.on('add', (o) => actionsOfIntegration(o, dependentPriority(appeared())));
  integrations.on('delete', (o) => actionsOfIntegration(o, dependentPriority('change')));
  actions.on('update', (previous, current) => {
    if (needsReconcile(previous, current)) actionQueue.enqueue(current.metadata?.namespace, current.metadata?.name, 'change');
  });
  integrations.on('update', (previous, current) => {
    if (integrationReadinessChanged(previous, current)) actionsOfIntegration(current, dependentPriority('change'));
  });
  if (options.configMaps !== undefined)
    mapConfigMapEvents(options.configMaps, enqueueUsingPredicates(actionQueue, actions, refersToTemplateConfigMap), options.beforeStart);
}

/**
 * A template edited in its ConfigMap is a user's change to the actions that use it, as a Secret's data is to
 * the integrations that use it: only those actions wake, in the change lane. One that appears after the
 * initial listing is one an action was waiting for (TemplateNotFound); one deleted leaves its actions without it.
 */
function mapConfigMapEvents(
  configMaps: EventSource<KubernetesObject>,
  actionsUsing: (configMap: KubernetesObject, priority: Priority) => void,
  beforeStart: (() => boolean) | undefined,
): void {
  configMaps.on('add', (configMap) => actionsUsing(configMap, beforeStart?.() === true ? 'initial' : 'change'));
  configMaps.on('update', (previous, current) => {
    if (configMapChanged(previous, current)) actionsUsing(current, 'change');
  });
  configMaps.on('delete', (configMap) => actionsUsing(configMap, 'change'));
}
