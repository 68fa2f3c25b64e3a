// Which DataActions a change in the cluster sends to their controller, and which integrations a DataAction
// wakes: the rules of event-mapping.ts, for the third kind.
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
}
