// The `dataactions_integrations` gauge follows the resources: a reconcile sets a resource's sample, and
// the resource's deletion removes it, so alerts on Ready=False clear once the resource is gone.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { IntegrationSample, Metrics } from './observability/metrics.ts';

export interface IntegrationCache {
  get(namespace: string, name: string): KubernetesObject | undefined;
  on(event: 'delete', handler: (object: KubernetesObject) => void): unknown;
}

/** Records an integration's state and Ready status, as the reconciler reports them after a status write. */
export type ObserveState = (namespace: string, name: string, state: string | undefined, ready: string) => void;

/**
 * Wires the gauge to the integration cache and returns what the reconciler calls. A report that arrives
 * after the resource left the cache (a reconcile that finished after the deletion) is dropped, so it
 * cannot bring the series back.
 */
export function trackIntegrationStates(
  metrics: Pick<Metrics, 'setIntegration' | 'deleteIntegration'>,
  integrations: IntegrationCache,
): ObserveState {
  integrations.on('delete', (o) => metrics.deleteIntegration(`${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`));
  return (namespace, name, state, ready) => {
    if (integrations.get(namespace, name) === undefined) return;
    metrics.setIntegration(`${namespace}/${name}`, { namespace, state: state ?? 'Unknown', ready: readyStatus(ready) });
  };
}

function readyStatus(ready: string): IntegrationSample['ready'] {
  return ready === 'True' || ready === 'False' ? ready : 'Unknown';
}
