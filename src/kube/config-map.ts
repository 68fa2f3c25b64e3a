// Reads one ConfigMap's data, for the templates a DataAction keeps there (spec.request.requestTemplateFrom,
// spec.response.successTemplateFrom). Read at reconcile time, as Secrets are; no cache of all ConfigMaps.
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
