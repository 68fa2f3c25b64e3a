// The benchmark's view of the testbed cluster: kubectl for apply (as a user would), and the project's
// own kube transport for the frequent reads and the Secret patches, so that polling does not spawn a
// kubectl five times a second on a 2-core machine and skew what is measured.
import { KubeConfig } from '@kubernetes/client-node';
import { collectionPath, objectPath, SECRETS } from '../../src/kube/clients.ts';
import { transportFor, type KubeTransport } from '../../src/kube/transport.ts';
import { kubectlOrThrow } from '../testbed/kubectl.ts';
import type { Json } from './workloads.ts';
import { DATA_ACTION_INTEGRATION_RESOURCE } from '../../src/api/index.ts';

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

  async listIntegrations(namespace: string): Promise<Json[]> {
    const list = await this.transport.request<{ items: Json[] }>({
      method: 'GET',
      path: collectionPath(DATA_ACTION_INTEGRATION_RESOURCE, namespace),
    });
    return list.items;
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

export function readyOf(object: Json): string | undefined {
  return (object.status?.conditions as Json[] | undefined)?.find((c) => c.type === 'Ready')?.status as string | undefined;
}
