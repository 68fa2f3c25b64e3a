// The operator: informers for both kinds and for Secrets (metadata only), a controller per kind, and
// the event mapping between them. main.ts decides when the controllers run (leader election).
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { CONDITION_TYPES, DATA_ACTION_INTEGRATION_NAMES, ORGANIZATION_NAMES } from './api/index.ts';
import { isEndpointAllowed, type Config } from './config.ts';
import { DATA_ACTION_INTEGRATIONS, GENESYS_CLOUD_ORGANIZATIONS } from './kube/clients.ts';
import { Controller } from './kube/controller.ts';
import { integrationCrdDeletionProbe } from './kube/crd-deletion.ts';
import { createEventRecorder, type EventRecorder } from './kube/events.ts';
import { createInformer, createSecretInformer, readSecretData, type Informer } from './kube/informer.ts';
import type { KubeLog } from './kube/log.ts';
import type { Readiness } from './observability/health-server.ts';
import type { Metrics } from './observability/metrics.ts';
import type { SecretScrubber } from './observability/secret-scrubber.ts';
import type { ReconcilerDeps } from './reconcile/deps.ts';
import { reconcileIntegration } from './reconcile/integration-reconciler.ts';
import { reconcileOrganization } from './reconcile/organization-reconciler.ts';
import { OrgSessions } from './reconcile/org-sessions.ts';

export interface OperatorOptions {
  readonly config: Config;
  readonly kc: KubeConfig;
  readonly logger: Logger;
  readonly scrubber: SecretScrubber;
  readonly metrics: Metrics;
}

export interface Operator {
  /** Starts the informers (every replica keeps a warm cache). */
  startInformers(): void;
  /** Starts reconciling (the leader only), once every cache has synced: acting on a partial cache could,
   * for example, release an organization that integrations still use. */
  startControllers(): Promise<void>;
  readiness(): Readiness;
  stop(): Promise<void>;
}

type Spec = {
  spec?: { organizationRef?: { name?: string }; credentials?: { secretRef?: { name?: string } }; oauthClientSecretRef?: { name?: string } };
};

export function createOperator(options: OperatorOptions): Operator {
  const { config, kc, logger, scrubber, metrics } = options;
  const kubeLog: KubeLog = logger.child({ component: 'kube' });
  const namespaces = config.namespaces.length > 0 ? { namespaces: config.namespaces } : {};
  const informerOptions = { ...namespaces, log: kubeLog };
  const integrations = createInformer<KubernetesObject>(kc, {
    ...informerOptions,
    resource: DATA_ACTION_INTEGRATIONS,
    name: DATA_ACTION_INTEGRATION_NAMES.plural,
  });
  const organizations = createInformer<KubernetesObject>(kc, {
    ...informerOptions,
    resource: GENESYS_CLOUD_ORGANIZATIONS,
    name: ORGANIZATION_NAMES.plural,
  });
  const secrets = createSecretInformer(kc, informerOptions);
  const recorder: EventRecorder = createEventRecorder(kc, { component: 'dataaction-operator', host: config.identity, log: kubeLog });

  // The data of the Secrets resources reference, keyed by the resourceVersion the metadata-only informer
  // shows: a reconcile reads a Secret from the API server only when it changed. Secrets nobody references
  // are never read, so memory holds only data the operator uses.
  const secretData = new Map<string, { resourceVersion: string; data: Record<string, string> | undefined }>();
  const readSecret = async (namespace: string, name: string): Promise<Record<string, string> | undefined> => {
    const key = `${namespace}/${name}`;
    const resourceVersion = secrets.get(namespace, name)?.metadata?.resourceVersion;
    const cached = secretData.get(key);
    if (resourceVersion !== undefined && cached?.resourceVersion === resourceVersion) return cached.data;
    const data = await readSecretData(kc, namespace, name);
    if (resourceVersion === undefined) secretData.delete(key);
    else secretData.set(key, { resourceVersion, data });
    return data;
  };

  const deps: ReconcilerDeps = {
    kc,
    integrations,
    organizations,
    readSecret: (namespace, name) => readSecret(namespace, name),
    sessions: new OrgSessions({
      isEndpointAllowed: (url) => isEndpointAllowed(url, config.allowedEndpointHosts),
      // Half a resync: every resync sees a listing at most that old.
      credentialListMs: config.resyncPeriodMs / 2,
      observe: (call) =>
        metrics.observePlatformCall({
          route: call.route,
          method: call.method,
          status: call.status === 'network' ? null : call.status,
          durationMs: call.durationMs,
          retry: call.retry,
          budgetWaitMs: call.budgetWaitMs,
        }),
    }),
    events: recorder,
    logger,
    scrubber,
    now: () => Date.now(),
    resyncMs: config.resyncPeriodMs,
    kindBeingDeleted: integrationCrdDeletionProbe(kc),
    observeState: (namespace, name, state, ready) =>
      metrics.setIntegration(`${namespace}/${name}`, {
        namespace,
        state: state ?? 'Unknown',
        ready: ready as 'True' | 'False' | 'Unknown',
      }),
  };

  const daiController = new Controller({
    name: 'dataactionintegration',
    concurrency: config.concurrency,
    reconcile: (namespace, name) => reconcileIntegration(deps, namespace, name),
    metrics,
    logger,
  });
  const orgController = new Controller({
    name: 'genesyscloudorganization',
    concurrency: Math.max(1, Math.ceil(config.concurrency / 2)),
    reconcile: (namespace, name) => reconcileOrganization(deps, namespace, name),
    metrics,
    logger,
  });

  const integrationsUsing = (namespace: string | undefined, test: (o: Spec) => boolean): KubernetesObject[] =>
    integrations.list(namespace).filter((o) => test(o as Spec));
  const enqueueIntegrationsOfOrg = (org: KubernetesObject): void => {
    for (const dai of integrationsUsing(org.metadata?.namespace, (o) => o.spec?.organizationRef?.name === org.metadata?.name)) {
      daiController.enqueue(dai.metadata?.namespace, dai.metadata?.name);
    }
  };

  // Status-only updates (our own writes) do not need another look; spec, metadata and deletion do.
  const worthALook = (previous: KubernetesObject, current: KubernetesObject): boolean =>
    previous.metadata?.generation !== current.metadata?.generation ||
    JSON.stringify(previous.metadata?.annotations ?? {}) !== JSON.stringify(current.metadata?.annotations ?? {}) ||
    JSON.stringify(previous.metadata?.finalizers ?? []) !== JSON.stringify(current.metadata?.finalizers ?? []) ||
    previous.metadata?.deletionTimestamp !== current.metadata?.deletionTimestamp;
  const readyOf = (o: KubernetesObject): string | undefined =>
    (o as { status?: { conditions?: Array<{ type: string; status: string; message?: string }> } }).status?.conditions?.find(
      (c) => c.type === CONDITION_TYPES.ready,
    )?.status;

  integrations.on('add', (o) => {
    daiController.enqueue(o.metadata?.namespace, o.metadata?.name);
    orgController.enqueue(o.metadata?.namespace, (o as Spec).spec?.organizationRef?.name);
  });
  integrations.on('update', (previous, current) => {
    if (worthALook(previous, current)) daiController.enqueue(current.metadata?.namespace, current.metadata?.name);
  });
  integrations.on('delete', (o) => {
    daiController.enqueue(o.metadata?.namespace, o.metadata?.name);
    orgController.enqueue(o.metadata?.namespace, (o as Spec).spec?.organizationRef?.name);
  });

  organizations.on('add', (o) => {
    orgController.enqueue(o.metadata?.namespace, o.metadata?.name);
    enqueueIntegrationsOfOrg(o);
  });
  organizations.on('update', (previous, current) => {
    if (worthALook(previous, current)) orgController.enqueue(current.metadata?.namespace, current.metadata?.name);
    // Integrations wait for their organization: tell them when its readiness changes.
    if (readyOf(previous) !== readyOf(current) || previous.metadata?.generation !== current.metadata?.generation)
      enqueueIntegrationsOfOrg(current);
  });
  organizations.on('delete', (o) => {
    orgController.enqueue(o.metadata?.namespace, o.metadata?.name);
    enqueueIntegrationsOfOrg(o);
  });

  const onSecret = (secret: KubernetesObject): void => {
    const namespace = secret.metadata?.namespace;
    const name = secret.metadata?.name;
    for (const dai of integrationsUsing(namespace, (o) => o.spec?.credentials?.secretRef?.name === name)) {
      daiController.enqueue(dai.metadata?.namespace, dai.metadata?.name);
    }
    for (const org of organizations.list(namespace)) {
      if ((org as Spec).spec?.oauthClientSecretRef?.name === name) {
        orgController.enqueue(org.metadata?.namespace, org.metadata?.name);
        enqueueIntegrationsOfOrg(org);
      }
    }
  };
  secrets.on('add', onSecret);
  secrets.on('update', (previous, current) => {
    if (previous.metadata?.resourceVersion !== current.metadata?.resourceVersion) onSecret(current);
  });
  secrets.on('delete', (secret) => {
    secretData.delete(`${secret.metadata?.namespace ?? ''}/${secret.metadata?.name ?? ''}`);
    onSecret(secret);
  });

  const informers: Informer<KubernetesObject>[] = [integrations, organizations, secrets];
  let controllersStarted = false;
  return {
    startInformers: () => {
      for (const informer of informers) informer.start();
    },
    startControllers: async () => {
      await Promise.all(informers.map((i) => i.waitForSync()));
      controllersStarted = true;
      orgController.start();
      daiController.start();
    },
    readiness: () => {
      const reasons = informers.filter((i) => !i.hasSynced()).map(() => 'informers not synced');
      return { ready: reasons.length === 0, reasons: [...new Set(reasons)] };
    },
    stop: async () => {
      if (controllersStarted) await Promise.all([daiController.stop(), orgController.stop()]);
      await Promise.all(informers.map((i) => i.stop()));
      await recorder.flush();
    },
  };
}
