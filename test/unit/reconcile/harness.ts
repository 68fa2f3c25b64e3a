// Fakes for driving the reconcilers without Kubernetes, in the way crossplane-runtime tests its managed
// reconciler: a writer that records what was written (and applies it to the caches, as the API server
// and the watch would), caches, a Secret store, an Event sink, and the in-process Genesys Cloud emulator
// on loopback as the platform.
import type { KubernetesObject } from '@kubernetes/client-node';
import pino from 'pino';
import {
  API_VERSION,
  DATA_ACTION_INTEGRATION_NAMES,
  ORGANIZATION_NAMES,
  type DataActionIntegrationStatus,
  type OrganizationStatus,
} from '../../../src/api/index.ts';
import { statusChanged } from '../../../src/kube/status-writer.ts';
import { WRITE_RACE_CODES, type ResourceWriter } from '../../../src/lib/resource-writer.ts';
import type { ObjectCache, ReconcilerDeps } from '../../../src/reconcile/deps.ts';
import { OrgSessions } from '../../../src/reconcile/org-sessions.ts';
import { DEFAULT_CLIENT, startEmulator, type CallCounts, type Emulator, type EmulatorOptions } from '../../emulator/index.ts';

export const NAMESPACE = 'team-a';
export const NOW = Date.parse('2026-11-24T10:00:00Z');

export class FakeCache implements ObjectCache {
  readonly objects = new Map<string, KubernetesObject>();
  get(namespace: string, name: string): KubernetesObject | undefined {
    return this.objects.get(`${namespace}/${name}`);
  }
  list(namespace?: string): readonly KubernetesObject[] {
    return [...this.objects.values()].filter((o) => namespace === undefined || o.metadata?.namespace === namespace);
  }
  put(object: KubernetesObject): KubernetesObject {
    this.objects.set(`${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`, object);
    return object;
  }
  drop(object: KubernetesObject): void {
    this.objects.delete(`${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`);
  }
}

/** Each write yields once, as a request to the API server would. */
const yieldOnce = (): Promise<void> => Promise.resolve();

/** One write, as the fake writer saw it. */
export interface Write {
  readonly op: keyof ResourceWriter;
  readonly name: string;
  readonly annotations?: Readonly<Record<string, string | null>>;
  readonly finalizer?: string;
  readonly status?: Readonly<Record<string, unknown>>;
}

export function writeError(code: (typeof WRITE_RACE_CODES)[keyof typeof WRITE_RACE_CODES]): Error {
  return Object.assign(new Error(`PATCH failed: ${code}`), { code });
}

/**
 * A ResourceWriter that records each write and applies it to `cache` (a new resourceVersion each time).
 * `failures` makes the next write of an operation throw instead.
 */
export class FakeWriter implements ResourceWriter {
  readonly writes: Write[] = [];
  readonly failures = new Map<keyof ResourceWriter, Error>();
  private version = 100;
  constructor(private readonly cache: FakeCache) {}

  private check(op: keyof ResourceWriter, object: KubernetesObject): void {
    const failure = this.failures.get(op);
    if (failure !== undefined) {
      this.failures.delete(op);
      throw failure;
    }
    if (this.cache.get(object.metadata?.namespace ?? '', object.metadata?.name ?? '') === undefined) throw writeError('KubeNotFound');
  }
  private stored(object: KubernetesObject): KubernetesObject {
    return this.cache.get(object.metadata?.namespace ?? '', object.metadata?.name ?? '') ?? object;
  }
  private save(object: KubernetesObject, metadata: Partial<NonNullable<KubernetesObject['metadata']>>): KubernetesObject {
    const current = this.stored(object);
    return this.cache.put({ ...current, metadata: { ...current.metadata, ...metadata, resourceVersion: String(++this.version) } });
  }
  private patchAnnotations(object: KubernetesObject, annotations: Readonly<Record<string, string | null>>): KubernetesObject {
    const merged: Record<string, string> = { ...this.stored(object).metadata?.annotations };
    for (const [key, value] of Object.entries(annotations)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    return this.save(object, { annotations: merged });
  }

  async annotate(object: KubernetesObject, annotations: Readonly<Record<string, string | null>>): Promise<KubernetesObject> {
    await yieldOnce();
    this.check('annotate', object);
    if (this.stored(object).metadata?.resourceVersion !== object.metadata?.resourceVersion) throw writeError('KubeConflict');
    this.writes.push({ op: 'annotate', name: object.metadata?.name ?? '', annotations });
    return this.patchAnnotations(object, annotations);
  }
  async annotateUnguarded(object: KubernetesObject, annotations: Readonly<Record<string, string | null>>): Promise<KubernetesObject> {
    await yieldOnce();
    this.check('annotateUnguarded', object);
    this.writes.push({ op: 'annotateUnguarded', name: object.metadata?.name ?? '', annotations });
    return this.patchAnnotations(object, annotations);
  }
  async addFinalizer(object: KubernetesObject, finalizer: string): Promise<KubernetesObject> {
    await yieldOnce();
    const finalizers = object.metadata?.finalizers ?? [];
    if (finalizers.includes(finalizer)) return object;
    this.check('addFinalizer', object);
    this.writes.push({ op: 'addFinalizer', name: object.metadata?.name ?? '', finalizer });
    return this.save(object, { finalizers: [...finalizers, finalizer] });
  }
  async removeFinalizer(object: KubernetesObject, finalizer: string): Promise<KubernetesObject> {
    await yieldOnce();
    const finalizers = object.metadata?.finalizers ?? [];
    if (!finalizers.includes(finalizer)) return object;
    this.check('removeFinalizer', object);
    this.writes.push({ op: 'removeFinalizer', name: object.metadata?.name ?? '', finalizer });
    const saved = this.save(object, { finalizers: finalizers.filter((f) => f !== finalizer) });
    // The last finalizer of an object being deleted: the API server removes it.
    if (saved.metadata?.deletionTimestamp !== undefined && saved.metadata.finalizers?.length === 0) this.cache.drop(saved);
    return saved;
  }
  async writeStatus(
    object: KubernetesObject,
    current: Readonly<Record<string, unknown>> | undefined,
    desired: Readonly<Record<string, unknown>>,
  ): Promise<boolean> {
    await yieldOnce();
    if (!statusChanged(current ?? {}, desired)) return false;
    this.check('writeStatus', object);
    this.writes.push({ op: 'writeStatus', name: object.metadata?.name ?? '', status: desired });
    const stored = this.stored(object) as KubernetesObject & { status?: Record<string, unknown> };
    const status: Record<string, unknown> = { ...stored.status };
    for (const [key, value] of Object.entries(desired)) status[key] = value;
    for (const key of Object.keys(current ?? {})) if (!(key in desired) || desired[key] === undefined) delete status[key];
    this.cache.put({ ...stored, status } as KubernetesObject);
    return true;
  }

  ops(): string[] {
    return this.writes.map((w) => w.op);
  }
}

export interface RecordedEvent {
  readonly type: string;
  readonly reason: string;
  readonly message: string;
}

export interface Harness {
  readonly deps: ReconcilerDeps;
  readonly integrations: FakeCache;
  readonly organizations: FakeCache;
  readonly integrationWriter: FakeWriter;
  readonly organizationWriter: FakeWriter;
  readonly secrets: Map<string, Record<string, string>>;
  readonly events: RecordedEvent[];
  readonly emulator: Emulator;
  /** The clock the reconcilers see; tests move it. */
  now: number;
  close(): Promise<void>;
}

/** A harness around a fresh emulator (`emulator` options layered over immediate state transitions); `close` stops it. */
export async function startHarness(options: { emulator?: EmulatorOptions } = {}): Promise<Harness> {
  const emulator = await startEmulator({ stateTransitionMs: 0, ...options.emulator });
  const integrations = new FakeCache();
  const organizations = new FakeCache();
  const events: RecordedEvent[] = [];
  const secrets = new Map<string, Record<string, string>>();
  const harness: Harness = {
    integrations,
    organizations,
    integrationWriter: new FakeWriter(integrations),
    organizationWriter: new FakeWriter(organizations),
    secrets,
    events,
    emulator,
    now: NOW,
    close: () => emulator.close(),
    deps: undefined as unknown as ReconcilerDeps,
  };
  const deps: ReconcilerDeps = {
    integrationWriter: harness.integrationWriter,
    organizationWriter: harness.organizationWriter,
    integrations,
    organizations,
    readSecret: (namespace, name) => Promise.resolve(secrets.get(`${namespace}/${name}`)),
    sessions: new OrgSessions({
      isEndpointAllowed: () => true,
      now: () => harness.now,
      clientOptions: { sleep: () => Promise.resolve() },
    }),
    events: { record: (_object, type, reason, message) => events.push({ type, reason, message }) },
    logger: pino({ level: 'silent' }),
    scrubber: { add: () => undefined, replace: () => undefined, scrub: (text) => text },
    now: () => harness.now,
    resyncMs: 300_000,
  };
  (harness as { deps: ReconcilerDeps }).deps = deps;
  return harness;
}

/** An organization pointed at the emulator, its OAuth Secret stored. */
export function organization(
  h: Harness,
  over: { name?: string; status?: OrganizationStatus; metadata?: Record<string, unknown> } = {},
): KubernetesObject {
  const name = over.name ?? 'prod';
  h.secrets.set(`${NAMESPACE}/${name}-oauth`, { ...DEFAULT_CLIENT });
  return h.organizations.put({
    apiVersion: API_VERSION,
    kind: ORGANIZATION_NAMES.kind,
    metadata: { name, namespace: NAMESPACE, uid: `uid-${name}`, generation: 1, resourceVersion: '1', ...over.metadata },
    spec: {
      region: 'eu-west-1',
      oauthClientSecretRef: { name: `${name}-oauth` },
      endpoints: { apiBaseUrl: h.emulator.baseUrl, loginBaseUrl: h.emulator.baseUrl },
    },
    ...(over.status === undefined ? {} : { status: over.status }),
  } as unknown as KubernetesObject);
}

export const READY_ORG_STATUS: OrganizationStatus = {
  observedGeneration: 1,
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: 'Connected',
      message: 'Connected',
      lastTransitionTime: '2026-11-24T09:00:00Z',
      observedGeneration: 1,
    },
  ],
};

export const ZENDESK_SECRET = { email: 'agent@example.com', baseUrl: 'https://acme.zendesk.com', apiToken: 'token-1' };

/** A Zendesk DataActionIntegration of the Ready organization "prod", its Secret stored. */
export function integration(
  h: Harness,
  over: {
    name?: string;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
    status?: DataActionIntegrationStatus;
    spec?: Record<string, unknown>;
    secret?: Record<string, string> | null;
  } = {},
): KubernetesObject {
  const name = over.name ?? 'zendesk';
  if (over.secret !== null) h.secrets.set(`${NAMESPACE}/${name}-credentials`, over.secret ?? ZENDESK_SECRET);
  return h.integrations.put({
    apiVersion: API_VERSION,
    kind: DATA_ACTION_INTEGRATION_NAMES.kind,
    metadata: {
      name,
      namespace: NAMESPACE,
      uid: `uid-${name}`,
      generation: 1,
      resourceVersion: '1',
      ...(over.annotations === undefined ? {} : { annotations: over.annotations }),
      ...(over.finalizers === undefined ? {} : { finalizers: over.finalizers }),
      ...(over.deletionTimestamp === undefined ? {} : { deletionTimestamp: over.deletionTimestamp }),
    },
    spec: {
      organizationRef: { name: 'prod' },
      type: 'Zendesk',
      displayName: 'Zendesk Support',
      credentials: { secretRef: { name: `${name}-credentials` } },
      ...over.spec,
    },
    ...(over.status === undefined ? {} : { status: over.status }),
  } as unknown as KubernetesObject);
}

/** A Ready Web services DataActionIntegration "orders" whose integration the emulator holds: what DataActions name. */
export async function readyActionsIntegration(h: Harness): Promise<string> {
  const made = await fetch(`${h.emulator.baseUrl}/__emulator/integrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'custom-rest-actions', name: 'Orders', state: 'ACTIVE' }),
  });
  const integrationId = ((await made.json()) as { id: string }).id;
  h.integrations.put({
    apiVersion: API_VERSION,
    kind: 'DataActionIntegration',
    metadata: { name: 'orders', namespace: NAMESPACE, uid: 'uid-orders', generation: 1 },
    spec: { organizationRef: { name: 'prod' }, type: 'WebServices' },
    status: {
      integrationId,
      conditions: [{ type: 'Ready', status: 'True', reason: 'Available', message: '', lastTransitionTime: '2026-11-24T09:00:00Z' }],
    },
  } as unknown as KubernetesObject);
  return integrationId;
}

/** Platform calls by route ("GET /api/v2/integrations"), as the emulator counted them. */
export type ByRoute = Record<string, number>;

export function byRoute(counts: CallCounts): ByRoute {
  return Object.fromEntries(Object.entries(counts.byRoute).map(([route, c]) => [route, c.count]));
}

/** The calls made between two counts, by route. */
export function minus(after: ByRoute, before: ByRoute): ByRoute {
  const out: ByRoute = {};
  for (const [route, n] of Object.entries(after)) if (n - (before[route] ?? 0) > 0) out[route] = n - (before[route] ?? 0);
  return out;
}

export const total = (counts: ByRoute): number => Object.values(counts).reduce((a, b) => a + b, 0);
