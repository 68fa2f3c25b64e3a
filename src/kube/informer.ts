// Supervised informers: list, then watch from the list's resourceVersion, keeping a local cache and
// telling handlers what changed. Modelled on client-go's reflector with these guarantees:
// - a watch that ends is restarted from the last resourceVersion seen (bookmarks included);
// - 410 Gone (the resourceVersion is too old) makes it relist; other errors back off exponentially;
// - a watchdog restarts a watch that has been silent for too long (the server sends a bookmark about
//   every minute when asked with allowWatchBookmarks, so silence means a dead connection);
// - it relists periodically, and a relist reports every cached object again (as an update), which
//   gives handlers a periodic resync;
// - it watches all namespaces or just the listed ones (one list+watch per namespace).
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { backoffDelayMs } from '../lib/backoff.ts';
import { systemClock, sleep, type Clock } from './clock.ts';
import { collectionPath, CONFIG_MAPS, objectPath, SECRETS, type ResourceRef } from './clients.ts';
import { isGone, isNotFound, KubeApiError, type KubeStatus } from './errors.ts';
import { describeError, silentLog, type KubeLog } from './log.ts';
import { transportFor, type KubeTransport } from './transport.ts';

const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

export type WatchEndReason = 'closed' | 'expired' | 'silent' | 'relist' | 'error';

/** Callbacks for informer metrics; `resource` is the informer's name. Durations in ms. */
export interface InformerHooks {
  onListed?(resource: string, namespace: string | undefined, items: number, durationMs: number): void;
  onWatchEvent?(resource: string, type: string): void;
  /** A watch is open: the server answered it, so every later change reaches the cache. */
  onWatchOpened?(resource: string, namespace: string | undefined): void;
  onWatchEnded?(resource: string, namespace: string | undefined, reason: WatchEndReason): void;
}

export interface InformerOptions<T extends KubernetesObject> {
  resource: ResourceRef;
  /** Namespaces to watch; all namespaces when absent or empty. */
  namespaces?: readonly string[];
  /** Cache only metadata (PartialObjectMetadata): names, labels, annotations, resourceVersions. */
  metadataOnly?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  /** For logs and metrics; default the resource's plural. */
  name?: string;
  /** Default 15 min. */
  relistPeriodMs?: number;
  /** Restart a watch that sent nothing, not even a bookmark, for this long. Default 3 min. */
  silenceTimeoutMs?: number;
  /** The server ends each watch after this long, randomised up to twice it as client-go does. Default 300. */
  watchTimeoutSeconds?: number;
  /** Backoff between failed lists or watches; default 800 ms doubling to 30 s. */
  backoff?: { baseDelayMs: number; maxDelayMs: number };
  pageSize?: number;
  /** Applied to each object before it is cached; the default (trimForCache) drops what nothing reads. */
  transform?: (object: T) => T;
  clock?: Clock;
  log?: KubeLog;
  hooks?: InformerHooks;
  /** Replaces the KubeConfig's transport (tests script the API server with it). */
  transport?: KubeTransport;
}

export interface InformerHandlers<T> {
  add: (object: T) => void;
  update: (previous: T, current: T) => void;
  delete: (object: T) => void;
}

export interface Informer<T extends KubernetesObject> {
  start(): void;
  /** Stops every watch and resolves when they have ended. */
  stop(): Promise<void>;
  /** True once every watched namespace has been listed. */
  hasSynced(): boolean;
  /** Resolves once synced; rejects after `timeoutMs` (default: never). */
  waitForSync(timeoutMs?: number): Promise<void>;
  get(namespace: string, name: string): T | undefined;
  list(namespace?: string): T[];
  /**
   * Registers a handler; returns a function that removes it. Like client-go, an `add` handler
   * registered after objects were cached is called for each of them first.
   */
  on<E extends keyof InformerHandlers<T>>(event: E, handler: InformerHandlers<T>[E]): () => void;
}

interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/** The cache key of an object: `namespace/name`. */
export function keyOf(object: KubernetesObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

/** The annotation `kubectl apply` (and Argo CD's default client-side apply) fills with the whole object. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * What the caches keep of an integration or organization: everything but managedFields and the
 * last-applied annotation, which nothing in src/ reads (the reconcilers read spec, status and their own
 * annotations; src/event-mapping.ts compares generation, annotations, finalizers and deletion) and which
 * together are larger than the rest of the object. Without them a kubectl apply that changes only the
 * annotation is no update, which is right: the spec it carries is what the generation already told.
 */
export function trimForCache<T extends KubernetesObject>(object: T): T {
  const metadata = object.metadata;
  if (metadata === undefined) return object;
  if (metadata.managedFields !== undefined) delete metadata.managedFields;
  const annotations = metadata.annotations;
  if (annotations !== undefined && LAST_APPLIED_ANNOTATION in annotations) {
    delete annotations[LAST_APPLIED_ANNOTATION];
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
  }
  return object;
}

/** The options with their defaults filled in. */
function settingsFrom<T extends KubernetesObject>(kc: KubeConfig, options: InformerOptions<T>): Settings<T> {
  return {
    transport: options.transport ?? transportFor(kc),
    resource: options.resource,
    name: options.name ?? options.resource.plural,
    metadataOnly: options.metadataOnly ?? false,
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    relistPeriodMs: options.relistPeriodMs ?? 15 * 60_000,
    silenceTimeoutMs: options.silenceTimeoutMs ?? 3 * 60_000,
    watchTimeoutSeconds: options.watchTimeoutSeconds ?? 300,
    backoff: options.backoff ?? { baseDelayMs: 800, maxDelayMs: 30_000 },
    pageSize: options.pageSize ?? 500,
    transform: options.transform ?? trimForCache,
    clock: options.clock ?? systemClock,
    log: options.log ?? silentLog,
    hooks: options.hooks ?? {},
  };
}

export function createInformer<T extends KubernetesObject>(kc: KubeConfig, options: InformerOptions<T>): Informer<T> {
  const settings = settingsFrom(kc, options);
  const handlers: { [E in keyof InformerHandlers<T>]: Set<InformerHandlers<T>[E]> } = {
    add: new Set(),
    update: new Set(),
    delete: new Set(),
  };
  const emit: Emitter<T> = {
    add(object) {
      for (const handler of handlers.add) callHandler(settings, 'add', () => handler(object));
    },
    update(previous, current) {
      for (const handler of handlers.update) callHandler(settings, 'update', () => handler(previous, current));
    },
    delete(object) {
      for (const handler of handlers.delete) callHandler(settings, 'delete', () => handler(object));
    },
  };
  const scopes = options.namespaces !== undefined && options.namespaces.length > 0 ? [...new Set(options.namespaces)] : [undefined];
  const reflectors = new Map(scopes.map((namespace) => [namespace, new Reflector<T>(namespace, settings, emit)]));
  let controller: AbortController | undefined;
  let running: Promise<void> | undefined;

  const reflectorFor = (namespace: string): Reflector<T> | undefined => reflectors.get(undefined) ?? reflectors.get(namespace);

  return {
    start() {
      if (controller !== undefined) return;
      controller = new AbortController();
      const signal = controller.signal;
      running = Promise.all([...reflectors.values()].map((reflector) => reflector.run(signal))).then(() => undefined);
    },
    async stop() {
      controller?.abort();
      await running;
    },
    hasSynced() {
      return [...reflectors.values()].every((reflector) => reflector.synced);
    },
    async waitForSync(timeoutMs) {
      const deadline = timeoutMs === undefined ? Infinity : settings.clock.now() + timeoutMs;
      while (![...reflectors.values()].every((reflector) => reflector.synced)) {
        if (settings.clock.now() >= deadline) throw new Error(`Informer for ${settings.name} did not sync within ${timeoutMs ?? 0} ms`);
        await sleep(settings.clock, 50);
      }
    },
    get(namespace, name) {
      return reflectorFor(namespace)?.items.get(`${namespace}/${name}`);
    },
    list(namespace) {
      const sources = namespace === undefined ? [...reflectors.values()] : [reflectorFor(namespace)];
      const all = sources.flatMap((reflector) => (reflector === undefined ? [] : [...reflector.items.values()]));
      return namespace === undefined ? all : all.filter((object) => object.metadata?.namespace === namespace);
    },
    on(event, handler) {
      const set = handlers[event] as Set<typeof handler>;
      set.add(handler);
      if (event === 'add') {
        const add = handler as InformerHandlers<T>['add'];
        for (const reflector of reflectors.values()) {
          for (const object of reflector.items.values()) callHandler(settings, 'add', () => add(object));
        }
      }
      return () => set.delete(handler);
    },
  };
}

/**
 * What the cache of a kind whose data the operator reads only at reconcile time (Secrets, ConfigMaps) keeps of
 * an object: its name, namespace, uid and resourceVersion, nothing more. Metadata-only lists still carry every
 * annotation, and kubectl's client-side apply writes the whole data into
 * `kubectl.kubernetes.io/last-applied-configuration`; labels and managedFields are of no use either, and a
 * cluster holds many such objects, most of them nobody's (issue 13: memory). Applied to listed and watched
 * objects alike.
 */
export function identityOnly(kind: 'Secret' | 'ConfigMap'): (object: KubernetesObject) => KubernetesObject {
  return (object) => {
    const metadata = object.metadata ?? {};
    const kept = Object.entries({
      name: metadata.name,
      namespace: metadata.namespace,
      uid: metadata.uid,
      resourceVersion: metadata.resourceVersion,
    });
    return { apiVersion: 'v1', kind, metadata: Object.fromEntries(kept.filter(([, value]) => value !== undefined)) };
  };
}

export const secretIdentityOnly = identityOnly('Secret');

/** An informer that caches the identity only (`identityOnly`) of a kind: never data, never annotations. */
export function createIdentityInformer(
  kc: KubeConfig,
  kind: 'Secret' | 'ConfigMap',
  options: Omit<InformerOptions<KubernetesObject>, 'resource' | 'metadataOnly' | 'transform'> = {},
): Informer<KubernetesObject> {
  const resource = kind === 'Secret' ? SECRETS : CONFIG_MAPS;
  return createInformer(kc, { ...options, resource, metadataOnly: true, transform: identityOnly(kind) });
}

/**
 * Reads a Secret's data at reconcile time with a direct GET (the informer holds metadata only), values
 * decoded from base64. `undefined` when the Secret does not exist.
 */
export async function readSecretData(kc: KubeConfig, namespace: string, name: string): Promise<Record<string, string> | undefined> {
  try {
    const secret = await transportFor(kc).request<{ data?: Record<string, string> }>({
      method: 'GET',
      path: objectPath({ ...SECRETS, namespace, name }),
    });
    const decoded: Record<string, string> = {};
    for (const [key, value] of Object.entries(secret.data ?? {})) decoded[key] = Buffer.from(value, 'base64').toString('utf8');
    return decoded;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

interface Settings<T extends KubernetesObject> {
  transport: KubeTransport;
  resource: ResourceRef;
  name: string;
  metadataOnly: boolean;
  labelSelector: string | undefined;
  fieldSelector: string | undefined;
  relistPeriodMs: number;
  silenceTimeoutMs: number;
  watchTimeoutSeconds: number;
  backoff: { baseDelayMs: number; maxDelayMs: number };
  pageSize: number;
  transform: (object: T) => T;
  clock: Clock;
  log: KubeLog;
  hooks: InformerHooks;
}

type Emitter<T> = InformerHandlers<T>;

function callHandler<T extends KubernetesObject>(settings: Settings<T>, event: string, call: () => void): void {
  try {
    call();
  } catch (error) {
    settings.log.error({ resource: settings.name, event, error: describeError(error) }, 'Informer event handler failed');
  }
}

function scopeName(namespace: string | undefined): string {
  return namespace === undefined ? 'all namespaces' : `namespace ${namespace}`;
}

/** One list+watch loop over one namespace (or all), and its part of the cache. */
class Reflector<T extends KubernetesObject> {
  items = new Map<string, T>();
  synced = false;
  /** Where the next watch starts; undefined means list first. */
  private resourceVersion: string | undefined;
  private readonly path: string;

  constructor(
    private readonly namespace: string | undefined,
    private readonly settings: Settings<T>,
    private readonly emit: Emitter<T>,
  ) {
    this.path = collectionPath(settings.resource, namespace);
  }

  async run(signal: AbortSignal): Promise<void> {
    const { clock, log, name } = this.settings;
    let failures = 0;
    let relistAt = 0;
    while (!signal.aborted) {
      try {
        if (this.resourceVersion === undefined) {
          await this.listAndReplace(signal);
          relistAt = clock.now() + this.settings.relistPeriodMs;
          failures = 0;
        }
        const started = clock.now();
        const outcome = await this.watch(relistAt, signal);
        if (signal.aborted) break;
        this.settings.hooks.onWatchEnded?.(name, this.namespace, outcome.reason);
        log.debug(
          { resource: name, namespace: this.namespace, reason: outcome.reason, events: outcome.events },
          `Watch of ${name} in ${scopeName(this.namespace)} ended`,
        );
        if (outcome.events > 0) failures = 0;
        // A watch the server closes at once, again and again, must not become a hot loop.
        if (outcome.reason === 'closed' && outcome.events === 0 && clock.now() - started < 1_000) {
          failures++;
          await sleep(clock, this.backoffDelay(failures), signal);
        }
      } catch (error) {
        if (signal.aborted) break;
        if (isGone(error) && this.resourceVersion !== undefined) {
          // Our resourceVersion is too old for the server: relist at once, as client-go does.
          this.resourceVersion = undefined;
          this.settings.hooks.onWatchEnded?.(name, this.namespace, 'expired');
          continue;
        }
        failures++;
        const delayMs = this.backoffDelay(failures);
        this.settings.hooks.onWatchEnded?.(name, this.namespace, 'error');
        log.warn(
          { resource: name, namespace: this.namespace, error: describeError(error), retryInMs: Math.round(delayMs) },
          `Watch of ${name} in ${scopeName(this.namespace)} failed, retrying`,
        );
        await sleep(clock, delayMs, signal);
      }
    }
  }

  private backoffDelay(failures: number): number {
    return backoffDelayMs(failures, { ...this.settings.backoff, jitter: 0.2 });
  }

  private query(): Record<string, string | undefined> {
    return { labelSelector: this.settings.labelSelector, fieldSelector: this.settings.fieldSelector };
  }

  private normalise(object: T, list?: Pick<KubernetesListObject<T>, 'kind' | 'apiVersion'>): T {
    // List items come without apiVersion and kind; take them from the list's.
    if (list !== undefined && object.kind === undefined && list.kind?.endsWith('List') === true) {
      object.kind = list.kind.slice(0, -'List'.length);
      if (list.apiVersion !== undefined) object.apiVersion = list.apiVersion;
    }
    return this.settings.transform(object);
  }

  private async listAndReplace(signal: AbortSignal): Promise<void> {
    const { clock, transport, metadataOnly, pageSize } = this.settings;
    const started = clock.now();
    const fresh = new Map<string, T>();
    let continueToken: string | undefined;
    let listResourceVersion: string | undefined;
    do {
      // An empty PartialObjectMetadataList comes with `"items": null` (a nil slice in Go), for example the
      // Secrets of a namespace that has none: an empty page, not an error.
      const page = await transport.request<
        Omit<KubernetesListObject<T>, 'items'> & { items?: T[] | null; metadata?: { continue?: string } }
      >({
        method: 'GET',
        path: this.path,
        query: { ...this.query(), limit: pageSize, continue: continueToken },
        ...(metadataOnly ? { accept: METADATA_LIST_ACCEPT } : {}),
        signal,
        timeoutMs: 60_000,
      });
      for (const item of page.items ?? []) fresh.set(keyOf(item), this.normalise(item, page));
      continueToken = page.metadata?.continue || undefined;
      listResourceVersion = page.metadata?.resourceVersion;
    } while (continueToken !== undefined);

    const previous = this.items;
    this.items = fresh;
    this.resourceVersion = listResourceVersion;
    this.synced = true;
    this.settings.hooks.onListed?.(this.settings.name, this.namespace, fresh.size, clock.now() - started);
    for (const [key, object] of previous) {
      if (!fresh.has(key)) this.emit.delete(object);
    }
    for (const [key, object] of fresh) {
      const before = previous.get(key);
      if (before === undefined) this.emit.add(object);
      else this.emit.update(before, object);
    }
  }

  private async watch(relistAt: number, signal: AbortSignal): Promise<{ reason: WatchEndReason; events: number }> {
    const { clock, transport, metadataOnly, silenceTimeoutMs, watchTimeoutSeconds, hooks, name } = this.settings;
    const controller = new AbortController();
    const stopWatch = (): void => controller.abort();
    signal.addEventListener('abort', stopWatch, { once: true });
    // Set by the timers below before they abort the watch, so the outcome says why it ended.
    const end: { reason: WatchEndReason } = { reason: 'closed' };
    let events = 0;
    const endFor = (why: WatchEndReason) => (): void => {
      end.reason = why;
      controller.abort();
    };
    let cancelWatchdog = clock.schedule(endFor('silent'), silenceTimeoutMs);
    const cancelRelist = clock.schedule(endFor('relist'), relistAt - clock.now());
    try {
      const lines = await transport.stream({
        method: 'GET',
        path: this.path,
        query: {
          ...this.query(),
          watch: 1,
          allowWatchBookmarks: true,
          resourceVersion: this.resourceVersion,
          timeoutSeconds: Math.floor(watchTimeoutSeconds * (1 + Math.random())),
        },
        ...(metadataOnly ? { accept: METADATA_ACCEPT } : {}),
        signal: controller.signal,
      });
      hooks.onWatchOpened?.(name, this.namespace);
      for await (const line of lines) {
        cancelWatchdog();
        cancelWatchdog = clock.schedule(endFor('silent'), silenceTimeoutMs);
        if (line.trim() === '') continue;
        const event = JSON.parse(line) as WatchEvent<T>;
        hooks.onWatchEvent?.(name, event.type);
        if (event.type === 'ERROR') {
          const status = event.object as unknown as KubeStatus;
          if (status.code === 410) {
            this.resourceVersion = undefined;
            return { reason: 'expired', events };
          }
          throw new KubeApiError(status.code ?? 500, `Watch of ${name} failed: ${status.message ?? 'unknown error'}`, status.reason);
        }
        const resourceVersion = event.object.metadata?.resourceVersion;
        if (event.type !== 'BOOKMARK') {
          events++;
          this.apply(event.type, this.normalise(event.object));
        }
        if (resourceVersion !== undefined) this.resourceVersion = resourceVersion;
      }
    } catch (error) {
      // Our own aborts (watchdog, relist, stop) end the watch; anything else is a failure.
      const ownAbort = controller.signal.aborted && (end.reason !== 'closed' || signal.aborted);
      if (!ownAbort) throw error;
    } finally {
      cancelWatchdog();
      cancelRelist();
      signal.removeEventListener('abort', stopWatch);
      controller.abort();
    }
    if (end.reason === 'relist') this.resourceVersion = undefined;
    return { reason: end.reason, events };
  }

  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T): void {
    const key = keyOf(object);
    const before = this.items.get(key);
    if (type === 'DELETED') {
      this.items.delete(key);
      this.emit.delete(object);
      return;
    }
    this.items.set(key, object);
    if (before === undefined) this.emit.add(object);
    else this.emit.update(before, object);
  }
}
