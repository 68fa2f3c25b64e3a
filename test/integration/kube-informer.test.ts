// Informers against a real kube-apiserver: events, namespaces, metadata-only Secrets, and recovery
// when the watch connection is cut or goes silent (through a TCP proxy the test controls).
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, type KubernetesObject, type V1ConfigMap } from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { CONFIG_MAPS, SECRETS, collectionPath, objectPath } from '../../src/kube/clients.ts';
import { createIdentityInformer, createInformer, readSecretData, type Informer, type WatchEndReason } from '../../src/kube/informer.ts';
import { createTransport } from '../../src/kube/transport.ts';
import { createServiceAccountToken, kubeconfigForToken } from '../testbed/control-plane.ts';
import { kubectlOrThrow } from '../testbed/kubectl.ts';
import { createTestNamespace } from '../testbed/namespace.ts';
import { DATA_ACTION_INTEGRATION_RESOURCE } from '../../src/api/index.ts';

const kc = new KubeConfig();
kc.loadFromFile(inject('kubeconfigPath'));
const api = createTransport(kc);

const informers: Array<Informer<KubernetesObject>> = [];
const proxies: Proxy[] = [];
afterEach(async () => {
  await Promise.all(informers.splice(0).map((informer) => informer.stop()));
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

function track<T extends KubernetesObject>(informer: Informer<T>): Informer<T> {
  informers.push(informer);
  return informer;
}

/** A hook that says when the informer's watch is open, and a promise of it: no guessing with a sleep. */
function watchOpened(): { onWatchOpened: () => void; opened: Promise<void> } {
  let onWatchOpened = (): void => undefined;
  const opened = new Promise<void>((resolve) => (onWatchOpened = resolve));
  return { onWatchOpened, opened };
}

async function createConfigMap(namespace: string, name: string, data: Record<string, string>): Promise<V1ConfigMap> {
  return api.request({ method: 'POST', path: collectionPath(CONFIG_MAPS, namespace), body: { metadata: { name, namespace }, data } });
}

interface Proxy {
  kc: KubeConfig;
  /** Destroys every open connection, as a restarted API server or a load balancer would. */
  cut(): void;
  /** Stops forwarding on every open connection without closing it: a half-open connection. */
  freeze(): void;
  close(): Promise<void>;
}

async function startProxy(): Promise<Proxy> {
  const target = new URL(kc.getCurrentCluster()!.server);
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    const pair = { client, upstream };
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const proxied = new KubeConfig();
  proxied.loadFromOptions({
    clusters: kc.getClusters().map((cluster) => ({ ...cluster, server: `${target.protocol}//127.0.0.1:${port}` })),
    users: kc.getUsers(),
    contexts: kc.getContexts(),
    currentContext: kc.getCurrentContext(),
  });
  const proxy: Proxy = {
    kc: proxied,
    cut() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
    },
    freeze() {
      for (const { client, upstream } of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    async close() {
      proxy.cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  proxies.push(proxy);
  return proxy;
}

describe('informer', () => {
  let namespace: string;
  beforeAll(async () => {
    namespace = await createTestNamespace('kube-informer');
  });

  it('sees a ConfigMap added, updated and deleted, and keeps its cache in step', async () => {
    const informer = track(createInformer<V1ConfigMap>(kc, { resource: CONFIG_MAPS, namespaces: [namespace] }));
    const seen: string[] = [];
    informer.on('add', (cm) => seen.push(`add ${cm.metadata?.name} ${cm.data?.['colour']}`));
    informer.on('update', (before, after) =>
      seen.push(`update ${after.metadata?.name} ${before.data?.['colour']}->${after.data?.['colour']}`),
    );
    informer.on('delete', (cm) => seen.push(`delete ${cm.metadata?.name}`));
    informer.start();
    await informer.waitForSync(10_000);

    await createConfigMap(namespace, 'palette', { colour: 'red' });
    await vi.waitFor(() => expect(informer.get(namespace, 'palette')?.data).toEqual({ colour: 'red' }), 5_000);
    await api.request({
      method: 'PATCH',
      path: objectPath({ ...CONFIG_MAPS, namespace, name: 'palette' }),
      contentType: 'application/merge-patch+json',
      body: { data: { colour: 'blue' } },
    });
    await vi.waitFor(() => expect(informer.get(namespace, 'palette')?.data).toEqual({ colour: 'blue' }), 5_000);
    await api.request({ method: 'DELETE', path: objectPath({ ...CONFIG_MAPS, namespace, name: 'palette' }) });
    await vi.waitFor(() => expect(informer.get(namespace, 'palette')).toBeUndefined(), 5_000);

    const own = seen.filter((line) => line.includes('palette'));
    expect(own).toEqual(['add palette red', 'update palette red->blue', 'delete palette']);
    expect(informer.list(namespace).map((cm) => cm.metadata?.name)).not.toContain('palette');
  });

  it('watches only the namespaces it was given', async () => {
    const [watchedA, watchedB, other] = await Promise.all(['kube-inf-a', 'kube-inf-b', 'kube-inf-other'].map(createTestNamespace));
    const dai = (ns: string, name: string): Promise<unknown> =>
      api.request({
        method: 'POST',
        path: collectionPath(DATA_ACTION_INTEGRATION_RESOURCE, ns),
        body: {
          apiVersion: 'dataactions.dev/v1alpha1',
          kind: 'DataActionIntegration',
          metadata: { name, namespace: ns },
          spec: { organizationRef: { name: 'org' }, type: 'GenesysCloud', credentials: { secretRef: { name: 'creds' } } },
        },
      });
    await Promise.all([dai(watchedA!, 'one'), dai(watchedB!, 'two'), dai(other!, 'three')]);

    const informer = track(createInformer(kc, { resource: DATA_ACTION_INTEGRATION_RESOURCE, namespaces: [watchedA!, watchedB!] }));
    informer.start();
    await informer.waitForSync(10_000);
    await dai(watchedB!, 'four');
    await dai(other!, 'five');
    await vi.waitFor(() => expect(informer.get(watchedB!, 'four')).toBeDefined(), 5_000);

    expect(
      informer
        .list()
        .map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`)
        .sort(),
    ).toEqual([`${watchedA}/one`, `${watchedB}/four`, `${watchedB}/two`].sort());
    expect(informer.get(other!, 'three')).toBeUndefined();
    expect(informer.list(watchedA).map((o) => o.kind)).toEqual(['DataActionIntegration']);
  });

  it('recovers after its watch connection is cut', async () => {
    const proxy = await startProxy();
    const ended: WatchEndReason[] = [];
    const { onWatchOpened, opened } = watchOpened();
    const informer = track(
      createInformer<V1ConfigMap>(proxy.kc, {
        resource: CONFIG_MAPS,
        namespaces: [namespace],
        backoff: { baseDelayMs: 100, maxDelayMs: 500 },
        hooks: { onWatchEnded: (_resource, _ns, reason) => ended.push(reason), onWatchOpened },
      }),
    );
    informer.start();
    await opened;

    proxy.cut();
    await createConfigMap(namespace, 'after-cut', { n: '1' });

    await vi.waitFor(() => expect(informer.get(namespace, 'after-cut')).toBeDefined(), 10_000);
    expect(ended.length).toBeGreaterThan(0);
  });

  it('restarts a watch that went silent', async () => {
    const proxy = await startProxy();
    const ended: WatchEndReason[] = [];
    const { onWatchOpened, opened } = watchOpened();
    const informer = track(
      createInformer<V1ConfigMap>(proxy.kc, {
        resource: CONFIG_MAPS,
        namespaces: [namespace],
        silenceTimeoutMs: 1_500,
        backoff: { baseDelayMs: 100, maxDelayMs: 500 },
        hooks: { onWatchEnded: (_resource, _ns, reason) => ended.push(reason), onWatchOpened },
      }),
    );
    informer.start();
    await opened;

    proxy.freeze();
    await createConfigMap(namespace, 'after-freeze', { n: '1' });

    await vi.waitFor(() => expect(informer.get(namespace, 'after-freeze')).toBeDefined(), 10_000);
    expect(ended).toContain('silent');
  });

  it('relists on its period and reports every cached object again', async () => {
    await createConfigMap(namespace, 'steady', { n: '1' });
    const informer = track(createInformer<V1ConfigMap>(kc, { resource: CONFIG_MAPS, namespaces: [namespace], relistPeriodMs: 1_000 }));
    const resynced: string[] = [];
    informer.on('update', (before, after) => {
      if (after.metadata?.name === 'steady') resynced.push(`${before.metadata?.resourceVersion}=${after.metadata?.resourceVersion}`);
    });
    informer.start();
    await informer.waitForSync(10_000);

    await vi.waitFor(() => expect(resynced.length).toBeGreaterThan(0), 5_000);
    const [first] = resynced;
    expect(first!.split('=')[0]).toBe(first!.split('=')[1]);
  });
});

describe('Secret informer', () => {
  it('caches names and resourceVersions but no data, and reads the data on demand', async () => {
    const namespace = await createTestNamespace('kube-secrets');
    await api.request({
      method: 'POST',
      path: collectionPath(SECRETS, namespace),
      body: {
        metadata: { name: 'org-credentials', namespace, labels: { team: 'cx' } },
        stringData: { clientId: 'id-123', clientSecret: 'not-in-the-cache' },
      },
    });
    const informer = track(createIdentityInformer(kc, 'Secret', { namespaces: [namespace] }));
    informer.start();
    await informer.waitForSync(10_000);
    await api.request({
      method: 'POST',
      path: collectionPath(SECRETS, namespace),
      body: { metadata: { name: 'added-later', namespace }, stringData: { password: 'also-not-cached' } },
    });
    await vi.waitFor(() => expect(informer.get(namespace, 'added-later')).toBeDefined(), 5_000);

    const listed = informer.get(namespace, 'org-credentials')!;
    const watched = informer.get(namespace, 'added-later')!;
    for (const cached of [listed, watched]) {
      expect(cached.kind).toBe('Secret');
      expect(cached.metadata?.resourceVersion).toBeTruthy();
      expect(JSON.stringify(cached)).not.toMatch(/not-in-the-cache|also-not-cached|bm90LWluLXRoZS1jYWNoZQ|"data"/);
    }
    // Only what the operator uses: labels and the like are not kept either.
    expect(Object.keys(listed.metadata ?? {}).sort()).toEqual(['name', 'namespace', 'resourceVersion', 'uid']);

    expect(await readSecretData(kc, namespace, 'org-credentials')).toEqual({ clientId: 'id-123', clientSecret: 'not-in-the-cache' });
    expect(await readSecretData(kc, namespace, 'no-such-secret')).toBeUndefined();
  });

  it('keeps nothing of a client-side-applied Secret but its identity, though kubectl put its data in an annotation', async () => {
    const namespace = await createTestNamespace('kube-secrets-csa');
    const applied = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'zendesk', namespace },
      stringData: { apiToken: 'csa-token-7f3a' },
    };
    const informer = track(createIdentityInformer(kc, 'Secret', { namespaces: [namespace] }));
    informer.start();
    await informer.waitForSync(10_000);
    await kubectlOrThrow(inject('kubectlPath'), inject('kubeconfigPath'), ['apply', '-f', '-'], { input: JSON.stringify(applied) });

    const onServer = await api.request<KubernetesObject>({ method: 'GET', path: objectPath({ ...SECRETS, namespace, name: 'zendesk' }) });
    expect(onServer.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('csa-token-7f3a');
    await vi.waitFor(() => expect(informer.get(namespace, 'zendesk')).toBeDefined(), 5_000);
    expect(informer.get(namespace, 'zendesk')).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'zendesk', namespace, uid: onServer.metadata?.uid, resourceVersion: onServer.metadata?.resourceVersion },
    });
  });

  it('lists, watches and reads Secrets under a Role that allows them only in the watched namespace', async () => {
    const namespace = await createTestNamespace('kube-secrets-role');
    const kubectl = (args: string[], input?: string) =>
      kubectlOrThrow(inject('kubectlPath'), inject('kubeconfigPath'), args, input === undefined ? {} : { input });
    await kubectl(['create', 'serviceaccount', 'reader', '-n', namespace]);
    await kubectl(['create', 'role', 'secrets', '-n', namespace, '--verb=get,list,watch', '--resource=secrets']);
    await kubectl(['create', 'rolebinding', 'secrets', '-n', namespace, '--role=secrets', `--serviceaccount=${namespace}:reader`]);
    await kubectl(['create', 'secret', 'generic', 'prod-oauth', '-n', namespace, '--from-literal=clientId=role-id']);
    const access = { kubectl: inject('kubectlPath'), kubeconfigPath: inject('kubeconfigPath') };
    const dir = await mkdtemp(join(tmpdir(), 'kube-secrets-role-'));
    try {
      const scoped = new KubeConfig();
      scoped.loadFromFile(
        await kubeconfigForToken(access, await createServiceAccountToken(access, namespace, 'reader', 600), join(dir, 'kubeconfig')),
      );
      // Cluster-wide, the same ServiceAccount may not list Secrets: the informer must never ask that.
      await expect(createTransport(scoped).request({ method: 'GET', path: collectionPath(SECRETS) })).rejects.toMatchObject({
        statusCode: 403,
      });

      const informer = track(createIdentityInformer(scoped, 'Secret', { namespaces: [namespace] }));
      informer.start();
      await informer.waitForSync(10_000);
      expect(informer.get(namespace, 'prod-oauth')?.metadata?.resourceVersion).toBeTruthy();
      await kubectl(['create', 'secret', 'generic', 'added-later', '-n', namespace, '--from-literal=k=v']);
      await vi.waitFor(() => expect(informer.get(namespace, 'added-later')).toBeDefined(), 5_000);
      expect(await readSecretData(scoped, namespace, 'prod-oauth')).toEqual({ clientId: 'role-id' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
