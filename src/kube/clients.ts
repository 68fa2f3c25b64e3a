// Where objects live in the API.

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

// The operator's own kinds are described in src/api (DATA_ACTION_INTEGRATION_RESOURCE, ORGANIZATION_RESOURCE).
export const SECRETS: ResourceRef = { group: '', version: 'v1', plural: 'secrets' };
export const CONFIG_MAPS: ResourceRef = { group: '', version: 'v1', plural: 'configmaps' };
export const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' };
export const EVENTS: ResourceRef = { group: 'events.k8s.io', version: 'v1', plural: 'events' };

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
