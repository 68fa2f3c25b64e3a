// The soak's view of the testbed cluster, through the project's own kube transport (no kubectl per call:
// the machine is small). Every call is retried until its deadline, because the soak restarts the API server.
import { KubeConfig } from '@kubernetes/client-node';
import { collectionPath, EVENTS, LEASES, objectPath, SECRETS, type ResourceRef } from '../../src/kube/clients.ts';
import { DATA_ACTION_INTEGRATION_RESOURCE, DATA_ACTION_RESOURCE, ORGANIZATION_RESOURCE } from '../../src/api/index.ts';
import { KubeApiError } from '../../src/kube/errors.ts';
import { transportFor, type KubeTransport } from '../../src/kube/transport.ts';

export type Json = Record<string, any>;

const FIELD_MANAGER = 'dataaction-soak';
const RETRY_FOR_MS = 60_000;

const RESOURCES: Record<string, ResourceRef> = {
  Secret: SECRETS,
  DataActionIntegration: DATA_ACTION_INTEGRATION_RESOURCE,
  GenesysCloudOrganization: ORGANIZATION_RESOURCE,
  DataAction: DATA_ACTION_RESOURCE,
};

export class SoakKube {
  private readonly transport: KubeTransport;

  constructor(kubeconfigPath: string) {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    this.transport = transportFor(kc);
  }

  async createNamespace(name: string): Promise<void> {
    await this.retry(`create namespace ${name}`, () =>
      this.transport
        .request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } })
        .catch(ignoreStatus(409)),
    );
  }

  /** Server-side apply, as `kubectl apply --server-side --force-conflicts` does. */
  async apply(namespace: string, object: Json): Promise<Json> {
    const ref = refOf(object.kind as string);
    return this.retry(`apply ${object.kind as string} ${namespace}/${object.metadata.name as string}`, () =>
      this.transport.request<Json>({
        method: 'PATCH',
        path: objectPath({ ...ref, namespace, name: object.metadata.name as string }),
        query: { fieldManager: FIELD_MANAGER, force: true },
        contentType: 'application/apply-patch+yaml',
        body: { ...object, metadata: { ...object.metadata, namespace } },
      }),
    );
  }

  async delete(namespace: string, kind: string, name: string): Promise<void> {
    await this.retry(`delete ${kind} ${namespace}/${name}`, () =>
      this.transport.request({ method: 'DELETE', path: objectPath({ ...refOf(kind), namespace, name }) }).catch(ignoreStatus(404)),
    );
  }

  async get(namespace: string, kind: string, name: string): Promise<Json | undefined> {
    return this.retry(`get ${kind} ${namespace}/${name}`, () =>
      this.transport.request<Json>({ method: 'GET', path: objectPath({ ...refOf(kind), namespace, name }) }).catch(ignoreStatus(404)),
    );
  }

  async list(namespace: string, kind: string): Promise<Json[]> {
    return this.listRef(namespace, refOf(kind));
  }

  async events(namespace: string): Promise<Json[]> {
    return this.listRef(namespace, EVENTS);
  }

  /** The Lease holder, '' when released, undefined when there is no Lease. */
  async leaseHolder(namespace: string, name: string): Promise<string | undefined> {
    const lease = await this.retry(`get Lease ${namespace}/${name}`, () =>
      this.transport.request<Json>({ method: 'GET', path: objectPath({ ...LEASES, namespace, name }) }).catch(ignoreStatus(404)),
    );
    return lease === undefined ? undefined : ((lease.spec?.holderIdentity as string | undefined) ?? '');
  }

  private async listRef(namespace: string, ref: ResourceRef): Promise<Json[]> {
    const list = await this.retry(`list ${ref.plural} in ${namespace}`, () =>
      this.transport.request<{ items: Json[] | null }>({ method: 'GET', path: collectionPath(ref, namespace) }),
    );
    return list.items ?? [];
  }

  private async retry<T>(what: string, call: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + RETRY_FOR_MS;
    for (;;) {
      try {
        return await call();
      } catch (error) {
        const permanent = error instanceof KubeApiError && error.statusCode >= 400 && error.statusCode < 500 && error.statusCode !== 429;
        if (permanent || Date.now() > deadline) throw new Error(`Failed to ${what}: ${String(error)}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
}

function refOf(kind: string): ResourceRef {
  const ref = RESOURCES[kind];
  if (ref === undefined) throw new Error(`The soak does not handle kind ${kind}`);
  return ref;
}

function ignoreStatus(status: number): (error: unknown) => undefined {
  return (error) => {
    if (error instanceof KubeApiError && error.statusCode === status) return undefined;
    throw error;
  };
}
