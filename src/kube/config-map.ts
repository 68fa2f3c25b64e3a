// The ConfigMaps a DataAction keeps its templates in (spec.request.requestTemplateFrom,
// spec.response.successTemplateFrom): watched as identity only, so that a change to one wakes the actions
// that use it within seconds, and read with a GET at reconcile time, as Secrets are. No data is cached.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { CONFIG_MAPS, objectPath } from './clients.ts';
import { isNotFound } from './errors.ts';
import { createInformer, type Informer, type InformerOptions } from './informer.ts';
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

/**
 * What the ConfigMap cache keeps of a ConfigMap: its name, namespace, uid and resourceVersion, nothing more.
 * The event mapping needs only the name (which DataActions reference it) and the resourceVersion (whether it
 * changed). Metadata-only lists still carry every annotation, and kubectl's client-side apply copies the
 * whole data into `kubectl.kubernetes.io/last-applied-configuration`: a cluster holds many ConfigMaps, most
 * of them nobody's template, so none of that is kept (issue 13: memory).
 */
export function configMapIdentityOnly(object: KubernetesObject): KubernetesObject {
  const metadata = object.metadata ?? {};
  const kept = Object.entries({
    name: metadata.name,
    namespace: metadata.namespace,
    uid: metadata.uid,
    resourceVersion: metadata.resourceVersion,
  });
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: Object.fromEntries(kept.filter(([, value]) => value !== undefined)) };
}

/** An informer of ConfigMaps that caches their identity only (`configMapIdentityOnly`): never data, never annotations. */
export function createConfigMapInformer(
  kc: KubeConfig,
  options: Omit<InformerOptions<KubernetesObject>, 'resource' | 'metadataOnly' | 'transform'> = {},
): Informer<KubernetesObject> {
  return createInformer(kc, { ...options, resource: CONFIG_MAPS, metadataOnly: true, transform: configMapIdentityOnly });
}
