// The data of the Secrets resources reference, keyed by the resourceVersion the metadata-only Secret
// informer shows: a reconcile reads a Secret from the API server only when it changed. Secrets nobody
// references are never read, so memory holds only data the operator uses.
import type { KubernetesObject } from '@kubernetes/client-node';

export type SecretValues = Record<string, string>;

export interface SecretDataCache {
  /** The Secret's data, decoded; `undefined` when it does not exist. */
  read(namespace: string, name: string): Promise<SecretValues | undefined>;
  /** Drops what is held for a Secret (it was deleted). */
  forget(namespace: string, name: string): void;
}

export interface SecretDataCacheOptions {
  /** The metadata-only cache of Secrets: tells the current resourceVersion without a request. */
  readonly metadata: { get(namespace: string, name: string): KubernetesObject | undefined };
  /** Reads a Secret's data from the API server; `undefined` when it does not exist. */
  readonly fetch: (namespace: string, name: string) => Promise<SecretValues | undefined>;
}

export function createSecretDataCache({ metadata, fetch }: SecretDataCacheOptions): SecretDataCache {
  const held = new Map<string, { resourceVersion: string; data: SecretValues | undefined }>();
  return {
    async read(namespace, name) {
      const key = `${namespace}/${name}`;
      const resourceVersion = metadata.get(namespace, name)?.metadata?.resourceVersion;
      const cached = held.get(key);
      if (resourceVersion !== undefined && cached?.resourceVersion === resourceVersion) return cached.data;
      const data = await fetch(namespace, name);
      // A Secret the informer does not know yet (or no longer) is read each time, never kept.
      if (resourceVersion === undefined) held.delete(key);
      else held.set(key, { resourceVersion, data });
      return data;
    },
    forget(namespace, name) {
      held.delete(`${namespace}/${name}`);
    },
  };
}
