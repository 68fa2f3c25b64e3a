// The ConfigMaps a DataAction keeps its templates in (spec.request.requestTemplateFrom,
// spec.response.successTemplateFrom): watched as identity only, so that a change to one wakes the actions
// that use it within seconds, and read with a GET at reconcile time, as Secrets are. No data is cached.
import type { KubeConfig } from '@kubernetes/client-node';
import { CONFIG_MAPS, objectPath } from './clients.ts';
import { isNotFound } from './errors.ts';
import { transportFor } from './transport.ts';

export async function readConfigMapData(kc: KubeConfig, namespace: string, name: string): Promise<Record<string, string> | undefined> {
  try {
    const configMap = await transportFor(kc).request<{ data?: Record<string, string> }>({
      method: 'GET',
      path: objectPath({ ...CONFIG_MAPS, namespace, name }),
    });
    return configMap.data ?? {};
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
