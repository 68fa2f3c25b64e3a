// The informer's list/watch loop against a scripted API server: what handlers see when a watch expires
// (410 Gone) or fails, and where each new watch starts.
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONFIG_MAPS } from '../../../src/kube/clients.ts';
import { KubeApiError } from '../../../src/kube/errors.ts';
import { createIdentityInformer, createInformer, type Informer } from '../../../src/kube/informer.ts';
import type { KubeRequest, KubeTransport } from '../../../src/kube/transport.ts';

const kc = new KubeConfig();
kc.loadFromOptions({
  clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
  users: [{ name: 'u' }],
  contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
  currentContext: 'x',
});

const cm = (name: string, resourceVersion: string, colour = 'red'): KubernetesObject & { data: Record<string, string> } => ({
  metadata: { name, namespace: 'ns', resourceVersion, managedFields: [{ manager: 'kubectl' }] },
  data: { colour },
});
const event = (type: string, object: unknown): string => JSON.stringify({ type, object });

type WatchScript = string[] | Error;

/** Answers lists and watches from scripts; once a script runs out, a watch stays open until aborted. */
function scriptedServer(lists: Array<Array<ReturnType<typeof cm>>>, watches: WatchScript[]) {
  const requests: string[] = [];
  const transport: KubeTransport = {
    request<T>(_request: KubeRequest): Promise<T> {
      const items = lists.shift() ?? [];
      requests.push('list');
      const resourceVersion = String(Math.max(0, ...items.map((item) => Number(item.metadata?.resourceVersion))));
      return Promise.resolve({
        kind: 'ConfigMapList',
        apiVersion: 'v1',
        metadata: { resourceVersion },
        items: structuredClone(items),
      } as T);
    },
    stream(request: KubeRequest): Promise<AsyncIterable<string>> {
      requests.push(`watch from ${String(request.query?.['resourceVersion'])}`);
      const script = watches.shift();
      if (script instanceof Error) return Promise.reject(script);
      const signal = request.signal!;
      return Promise.resolve(
        (async function* () {
          for (const line of script ?? []) yield line;
          if (script !== undefined && script.length > 0 && watches.length > 0) return; // the server closed it
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
          throw new Error('aborted');
        })(),
      );
    },
  };
  return { transport, requests };
}

const informers: Array<Informer<KubernetesObject>> = [];
afterEach(async () => {
  await Promise.all(informers.splice(0).map((informer) => informer.stop()));
});

function start(transport: KubeTransport): { informer: Informer<KubernetesObject>; seen: string[] } {
  const informer = createInformer(kc, { resource: CONFIG_MAPS, namespaces: ['ns'], transport, backoff: { baseDelayMs: 1, maxDelayMs: 5 } });
  informers.push(informer);
  const seen: string[] = [];
  informer.on('add', (o) => seen.push(`add ${o.metadata?.name}@${o.metadata?.resourceVersion}`));
  informer.on('update', (a, b) => seen.push(`update ${b.metadata?.name}@${a.metadata?.resourceVersion}->${b.metadata?.resourceVersion}`));
  informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
  informer.start();
  return { informer, seen };
}

describe('informer list and watch', () => {
  it('relists when the watch reports 410 Gone, telling handlers what changed meanwhile', async () => {
    const { transport, requests } = scriptedServer(
      [
        [cm('a', '5'), cm('b', '6')],
        [cm('a', '5'), cm('c', '9')],
      ],
      [[event('MODIFIED', cm('b', '7', 'blue')), event('ERROR', { kind: 'Status', code: 410, reason: 'Expired' })]],
    );
    const { informer, seen } = start(transport);

    await vi.waitFor(() => expect(requests).toEqual(['list', 'watch from 6', 'list', 'watch from 9']));
    expect(seen).toEqual(['add a@5', 'add b@6', 'update b@6->7', 'delete b', 'update a@5->5', 'add c@9']);
    expect(
      informer
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(['a', 'c']);
  });

  it('resumes from the last resourceVersion seen, bookmarks included, when a watch fails', async () => {
    const { transport, requests } = scriptedServer(
      [[cm('a', '5')]],
      [
        [event('ADDED', cm('b', '8')), event('BOOKMARK', { metadata: { resourceVersion: '12' } })],
        new KubeApiError(503, 'GET /api/v1/namespaces/ns/configmaps failed: unavailable'),
      ],
    );
    const { seen } = start(transport);

    await vi.waitFor(() => expect(requests).toEqual(['list', 'watch from 5', 'watch from 12', 'watch from 12']));
    expect(seen).toEqual(['add a@5', 'add b@8']);
  });

  it('relists when the watch cannot start because its resourceVersion expired', async () => {
    const { transport, requests } = scriptedServer([[cm('a', '5')], [cm('a', '7')]], [new KubeApiError(410, 'too old resource version')]);
    const { seen } = start(transport);

    await vi.waitFor(() => expect(requests).toEqual(['list', 'watch from 5', 'list', 'watch from 7']));
    expect(seen).toEqual(['add a@5', 'update a@5->7']);
  });

  it('syncs on an empty namespace whose list answers "items": null, as metadata-only lists do', async () => {
    const requests: string[] = [];
    const transport: KubeTransport = {
      request<T>(): Promise<T> {
        requests.push('list');
        return Promise.resolve({
          kind: 'PartialObjectMetadataList',
          apiVersion: 'meta.k8s.io/v1',
          metadata: { resourceVersion: '9' },
          items: null,
        } as T);
      },
      stream(request: KubeRequest): Promise<AsyncIterable<string>> {
        requests.push(`watch from ${String(request.query?.['resourceVersion'])}`);
        const signal = request.signal!;
        return Promise.resolve(
          (async function* () {
            await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
            yield* [];
          })(),
        );
      },
    };
    const { informer } = start(transport);
    await informer.waitForSync(1_000);
    expect(informer.list()).toEqual([]);
    expect(requests).toEqual(['list', 'watch from 9']);
  });

  it('caches objects without managedFields and with their kind', async () => {
    const { transport } = scriptedServer([[cm('a', '5')]], []);
    const { informer } = start(transport);
    await informer.waitForSync(1_000);

    expect(informer.get('ns', 'a')).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
    expect(informer.get('ns', 'a')?.metadata).not.toHaveProperty('managedFields');
  });

  it('caches listed and watched objects without the last-applied annotation kubectl apply writes, keeping the others', async () => {
    const applied = (name: string, resourceVersion: string, annotations: Record<string, string>) => ({
      ...cm(name, resourceVersion),
      metadata: { ...cm(name, resourceVersion).metadata, annotations },
    });
    const lastApplied = { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"colour":"red"}}' };
    const { transport } = scriptedServer(
      [[applied('listed', '5', { ...lastApplied, 'dataactions.dev/integration-id': 'i-1' })]],
      [[event('ADDED', applied('watched', '6', lastApplied))]],
    );
    const { informer } = start(transport);
    await vi.waitFor(() => expect(informer.list()).toHaveLength(2));

    expect(informer.get('ns', 'listed')?.metadata?.annotations).toEqual({ 'dataactions.dev/integration-id': 'i-1' });
    expect(informer.get('ns', 'watched')?.metadata).not.toHaveProperty('annotations');
    expect(informer.get('ns', 'watched')).toMatchObject({ data: { colour: 'red' } });
  });

  it('keeps only the name, namespace, uid and resourceVersion of Secrets, listed or watched', async () => {
    const lastApplied = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', data: { apiToken: 'c2VjcmV0' } });
    const secret = (name: string, resourceVersion: string) => ({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: {
        name,
        namespace: 'ns',
        uid: `uid-${name}`,
        resourceVersion,
        labels: { team: 'a' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied },
        managedFields: [{ manager: 'kubectl-client-side-apply' }],
      },
    });
    const { transport } = scriptedServer(
      [[secret('listed', '5') as unknown as ReturnType<typeof cm>]],
      [[event('ADDED', secret('watched', '6'))]],
    );
    const informer = createIdentityInformer(kc, 'Secret', { namespaces: ['ns'], transport });
    informers.push(informer);
    informer.start();

    await vi.waitFor(() => expect(informer.list()).toHaveLength(2));
    for (const name of ['listed', 'watched']) {
      expect(informer.get('ns', name)).toEqual({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: name === 'listed' ? '5' : '6' },
      });
    }
    expect(JSON.stringify(informer.list())).not.toContain('c2VjcmV0');
  });
});
