// The benchmark's view of the testbed cluster: kubectl for apply (as a user would), and the project's
// own kube transport for the frequent reads and the Secret patches, so that polling does not spawn a
// kubectl five times a second on a 2-core machine and skew what is measured.
import { KubeConfig } from '@kubernetes/client-node';
import { collectionPath, objectPath, SECRETS, type ResourceRef } from '../../src/kube/clients.ts';
import { transportFor, type KubeTransport } from '../../src/kube/transport.ts';
import { kubectlOrThrow } from '../testbed/kubectl.ts';
import type { Json } from './workloads.ts';
import { DATA_ACTION_INTEGRATION_RESOURCE, ORGANIZATION_RESOURCE } from '../../src/api/index.ts';
import { sleep } from './operator-process.ts';

export class BenchCluster {
  readonly kubeconfigPath: string;
  private readonly kubectl: string;
  private readonly transport: KubeTransport;

  constructor(kubeconfigPath: string, kubectl: string) {
    this.kubeconfigPath = kubeconfigPath;
    this.kubectl = kubectl;
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    this.transport = transportFor(kc);
  }

  async createNamespace(prefix: string): Promise<string> {
    const created = await this.transport.request<Json>({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: `${prefix}-` } },
    });
    return created.metadata.name as string;
  }

  /**
   * An unrelated Secret, so that the namespace is never empty of Secrets. The API server answers an
   * empty metadata-only list with `"items": null`; an operator built before src/kube/informer.ts learned
   * that failed its Secret list, backed off for up to half a minute and never became ready. Harmless now,
   * and it keeps the benchmark usable on such a build.
   */
  async createPlaceholderSecret(namespace: string): Promise<void> {
    await this.transport.request({
      method: 'POST',
      path: collectionPath(SECRETS, namespace),
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'bench-placeholder' },
        stringData: { note: 'keeps the namespace from being empty of Secrets' },
      },
    });
  }

  async apply(namespace: string, objects: readonly Json[]): Promise<void> {
    await kubectlOrThrow(this.kubectl, this.kubeconfigPath, ['apply', '-n', namespace, '-f', '-'], {
      input: objects.map((o) => JSON.stringify(o)).join('\n'),
    });
  }

  /**
   * Creates many objects at once, `concurrency` requests at a time, each carrying the
   * `kubectl.kubernetes.io/last-applied-configuration` annotation that `kubectl apply` (and Argo CD's
   * default client-side apply) would write, so that the caches see what they see in a cluster. Much faster
   * than one kubectl apply of 10,000 objects on 2 cores.
   */
  async create(namespace: string, objects: readonly Json[], concurrency = 8): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < objects.length; i = next++) {
        const object = objects[i];
        if (object === undefined) continue;
        const applied = { ...object, metadata: { ...object.metadata, namespace } };
        const body = {
          ...applied,
          metadata: {
            ...applied.metadata,
            annotations: {
              ...applied.metadata.annotations,
              'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(applied)}\n`,
            },
          },
        };
        await this.transport.request({ method: 'POST', path: collectionPath(resourceOf(object), namespace), body });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /** Polls until every named integration (or DataAction) is Ready; throws after `timeoutMs` with the ones that are not. */
  async waitReady(
    namespace: string,
    names: readonly string[],
    timeoutMs: number,
    pollMs = 500,
    resource: ResourceRef = DATA_ACTION_INTEGRATION_RESOURCE,
  ): Promise<Json[]> {
    const wanted = new Set(names);
    const started = performance.now();
    for (;;) {
      const items = (await this.list(namespace, resource)).filter((i) => wanted.has(i.metadata.name as string));
      if (items.filter((i) => readyOf(i) === 'True').length === wanted.size) return items;
      if (performance.now() - started > timeoutMs) {
        const stuck = items
          .filter((i) => readyOf(i) !== 'True')
          .map((i) => `${i.metadata.name}: ${JSON.stringify(i.status?.conditions ?? [])}`);
        throw new Error(`${stuck.length} ${resource.plural} were not Ready after ${timeoutMs} ms:\n${stuck.slice(0, 10).join('\n')}`);
      }
      await sleep(pollMs);
    }
  }

  /** Integrations Ready now, of those in the namespace. */
  async readyCount(namespace: string): Promise<number> {
    return (await this.listIntegrations(namespace)).filter((i) => readyOf(i) === 'True').length;
  }

  /** A spec change the operator must carry to the platform: a new `notes`. */
  async setNotes(namespace: string, name: string, notes: string): Promise<void> {
    await this.transport.request({
      method: 'PATCH',
      path: objectPath({ ...DATA_ACTION_INTEGRATION_RESOURCE, namespace, name }),
      contentType: 'application/merge-patch+json',
      body: { spec: { notes } },
    });
  }

  /** Every object of a kind in the namespace, as the API server holds it (the bench's cache-size estimate). */
  async listRaw(namespace: string, kind: 'DataActionIntegration' | 'GenesysCloudOrganization' | 'Secret'): Promise<Json[]> {
    const resource = resourceOf({ kind });
    const list = await this.transport.request<{ items: Json[] | null }>({ method: 'GET', path: collectionPath(resource, namespace) });
    return list.items ?? [];
  }

  async listIntegrations(namespace: string): Promise<Json[]> {
    return this.list(namespace, DATA_ACTION_INTEGRATION_RESOURCE);
  }

  private async list(namespace: string, resource: ResourceRef): Promise<Json[]> {
    const list = await this.transport.request<{ items: Json[] | null }>({ method: 'GET', path: collectionPath(resource, namespace) });
    return list.items ?? [];
  }

  async setSecretValue(namespace: string, name: string, key: string, value: string): Promise<void> {
    await this.transport.request({
      method: 'PATCH',
      path: objectPath({ ...SECRETS, namespace, name }),
      contentType: 'application/merge-patch+json',
      body: { data: { [key]: Buffer.from(value).toString('base64') } },
    });
  }
}

function resourceOf(object: Json): ResourceRef {
  if (object.kind === 'Secret') return SECRETS;
  if (object.kind === 'DataActionIntegration') return DATA_ACTION_INTEGRATION_RESOURCE;
  if (object.kind === 'GenesysCloudOrganization') return ORGANIZATION_RESOURCE;
  throw new Error(`The bench creates no ${String(object.kind)}`);
}

export function readyOf(object: Json): string | undefined {
  return (object.status?.conditions as Json[] | undefined)?.find((c) => c.type === 'Ready')?.status as string | undefined;
}
