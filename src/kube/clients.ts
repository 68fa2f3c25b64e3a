// Where objects live in the API, and the client-node API objects built once per KubeConfig.
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, EventsV1Api, type KubeConfig } from '@kubernetes/client-node';

/** A kind of resource: `group` is '' for the core group (Secrets, ConfigMaps). */
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
}

/** One namespaced object. */
export interface ObjectRef extends ResourceRef {
  namespace: string;
  name: string;
}

export const API_GROUP = 'dataactions.dev';
export const API_VERSION = 'v1alpha1';

export const DATA_ACTION_INTEGRATIONS: ResourceRef = { group: API_GROUP, version: API_VERSION, plural: 'dataactionintegrations' };
export const GENESYS_CLOUD_ORGANIZATIONS: ResourceRef = { group: API_GROUP, version: API_VERSION, plural: 'genesyscloudorganizations' };
export const SECRETS: ResourceRef = { group: '', version: 'v1', plural: 'secrets' };
export const CONFIG_MAPS: ResourceRef = { group: '', version: 'v1', plural: 'configmaps' };
export const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' };
export const EVENTS: ResourceRef = { group: 'events.k8s.io', version: 'v1', plural: 'events' };

/** The `apiVersion` string of a resource: `v1` or `group/version`. */
export function apiVersionOf(resource: ResourceRef): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

/** The collection path, in one namespace or (namespace undefined) across all namespaces. */
export function collectionPath(resource: ResourceRef, namespace?: string): string {
  const root = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const scope = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  return `${root}${scope}/${resource.plural}`;
}

export function objectPath(ref: ObjectRef, subresource?: 'status'): string {
  const path = `${collectionPath(ref, ref.namespace)}/${encodeURIComponent(ref.name)}`;
  return subresource === undefined ? path : `${path}/${subresource}`;
}

export interface KubeClients {
  core: CoreV1Api;
  customObjects: CustomObjectsApi;
  coordination: CoordinationV1Api;
  events: EventsV1Api;
}

const clientsByConfig = new WeakMap<KubeConfig, KubeClients>();

/** The typed client-node APIs for a KubeConfig, built on first use and then shared. */
export function createKubeClients(kc: KubeConfig): KubeClients {
  let clients = clientsByConfig.get(kc);
  if (clients === undefined) {
    clients = {
      core: kc.makeApiClient(CoreV1Api),
      customObjects: kc.makeApiClient(CustomObjectsApi),
      coordination: kc.makeApiClient(CoordinationV1Api),
      events: kc.makeApiClient(EventsV1Api),
    };
    clientsByConfig.set(kc, clients);
  }
  return clients;
}
