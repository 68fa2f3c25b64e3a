// The operator, wiring only: informers for the three kinds and for Secrets and ConfigMaps (identity only), a
// controller per kind, the event mapping between them (event-mapping.ts, action-event-mapping.ts) and the
// reconcilers' dependencies. main.ts decides when the controllers run (leader election).
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import {
  DATA_ACTION_NAMES,
  DATA_ACTION_RESOURCE,
  DATA_ACTION_INTEGRATION_NAMES,
  DATA_ACTION_INTEGRATION_RESOURCE,
  ORGANIZATION_NAMES,
  ORGANIZATION_RESOURCE,
  type DataActionIntegrationObject,
  type DataActionObject,
  type OrganizationObject,
} from './api/index.ts';
import { mapActionEventsToKeys } from './action-event-mapping.ts';
import { readConfigMapData } from './kube/config-map.ts';
import { ActionClients } from './reconcile/action-clients.ts';
import { reconcileAction } from './reconcile/action-reconciler.ts';
import { isEndpointAllowed, type Config } from './config.ts';
import { mapEventsToKeys } from './event-mapping.ts';
import { trackIntegrationStates } from './integration-states.ts';
import { Controller, type ControllerOptions } from './kube/controller.ts';
import { createEventRecorder } from './kube/events.ts';
import { crdDeletionProbe, integrationCrdDeletionProbe } from './kube/crd-deletion.ts';
import { createIdentityInformer, createInformer, readSecretData, type Informer } from './kube/informer.ts';
import type { KubeLog } from './kube/log.ts';
import { createResourceWriter } from './kube/resource-writer.ts';
import { createSecretDataCache } from './kube/secret-data-cache.ts';
import type { Readiness } from './observability/health-server.ts';
import type { Metrics } from './observability/metrics.ts';
import type { CallObservation } from './platform/index.ts';
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
  /** Drops every queued key at once (the Lease was lost): only the reconciles in flight still end. */
  abandonQueued(): void;
  stop(): Promise<void>;
}

export function createOperator(options: OperatorOptions): Operator {
  const { config, kc, logger, scrubber, metrics } = options;
  const kubeLog: KubeLog = logger.child({ component: 'kube' });
  const scope = { ...(config.namespaces.length > 0 ? { namespaces: config.namespaces } : {}), log: kubeLog };
  const integrations = createInformer<DataActionIntegrationObject>(kc, {
    ...scope,
    resource: DATA_ACTION_INTEGRATION_RESOURCE,
    name: DATA_ACTION_INTEGRATION_NAMES.plural,
  });
  const organizations = createInformer<OrganizationObject>(kc, {
    ...scope,
    resource: ORGANIZATION_RESOURCE,
    name: ORGANIZATION_NAMES.plural,
  });
  const actions = createInformer<DataActionObject>(kc, { ...scope, resource: DATA_ACTION_RESOURCE, name: DATA_ACTION_NAMES.plural });
  const secrets = createIdentityInformer(kc, 'Secret', scope);
  const configMaps = createIdentityInformer(kc, 'ConfigMap', scope);
  const secretData = createSecretDataCache({ metadata: secrets, fetch: (namespace, name) => readSecretData(kc, namespace, name) });
  const recorder = createEventRecorder(kc, { component: 'dataaction-operator', host: config.identity, log: kubeLog });

  const deps: ReconcilerDeps = {
    integrationWriter: createResourceWriter(kc, DATA_ACTION_INTEGRATION_RESOURCE),
    organizationWriter: createResourceWriter(kc, ORGANIZATION_RESOURCE),
    integrations,
    organizations,
    readSecret: (namespace, name) => secretData.read(namespace, name),
    sessions: createSessions(config, metrics),
    events: recorder,
    logger,
    scrubber,
    now: () => Date.now(),
    resyncMs: config.resyncPeriodMs,
    kindBeingDeleted: integrationCrdDeletionProbe(kc),
    observeState: trackIntegrationStates(metrics, integrations),
    actionsUsing: (namespace, integration) =>
      actions
        .list(namespace)
        .filter((a) => a.spec?.integrationRef?.name === integration)
        .map((a) => a.metadata?.name ?? ''),
  };
  const actionDeps = {
    ...deps,
    actionWriter: createResourceWriter(kc, DATA_ACTION_RESOURCE),
    actions,
    readConfigMap: (namespace: string, name: string) => readConfigMapData(kc, namespace, name),
    // Calls of the actions clients are counted in the same platform metrics as the integrations'.
    actionClients: new ActionClients({ observe: observePlatformCall(metrics) }),
    kindBeingDeleted: crdDeletionProbe(kc, `${DATA_ACTION_RESOURCE.plural}.${DATA_ACTION_RESOURCE.group}`),
  };
  const controller = (name: string, concurrency: number, reconcile: ControllerOptions['reconcile']): Controller =>
    new Controller({ name, concurrency, reconcile, metrics, logger });
  const daiController = controller('dataactionintegration', config.concurrency, (ns, name) => reconcileIntegration(deps, ns, name));
  const orgController = controller('genesyscloudorganization', Math.max(1, Math.ceil(config.concurrency / 2)), (ns, name) =>
    reconcileOrganization(deps, ns, name),
  );
  const started = { controllers: false };
  const daController = controller('dataaction', config.concurrency, (ns, name) => reconcileAction(actionDeps, ns, name));
  mapActionEventsToKeys({
    beforeStart: () => !started.controllers,
    actions,
    integrations,
    configMaps,
    actionQueue: daController,
    integrationQueue: daiController,
  });
  mapEventsToKeys({
    beforeStart: () => !started.controllers,
    integrations,
    organizations,
    secrets,
    integrationQueue: daiController,
    organizationQueue: orgController,
    onSecretDeleted: (secret) => secretData.forget(secret.metadata?.namespace ?? '', secret.metadata?.name ?? ''),
  });
  return lifecycle(
    [integrations, organizations, actions, secrets, configMaps],
    [orgController, daiController, daController],
    () => recorder.flush(),
    started,
  );
}

/** The platform sessions, one per organization, with their calls counted in the metrics. */
function createSessions(config: Config, metrics: Metrics): OrgSessions {
  return new OrgSessions({
    isEndpointAllowed: (url) => isEndpointAllowed(url, config.allowedEndpointHosts),
    // Half a resync: every resync sees a listing at most that old.
    credentialListMs: config.resyncPeriodMs / 2,
    observe: observePlatformCall(metrics),
  });
}

function observePlatformCall(metrics: Metrics): (call: CallObservation) => void {
  return (call) =>
    metrics.observePlatformCall({
      route: call.route,
      method: call.method,
      status: call.status === 'network' ? null : call.status,
      durationMs: call.durationMs,
      retry: call.retry,
      budgetWaitMs: call.budgetWaitMs,
    });
}

/** Starting and stopping: informers on every replica, controllers (in the given order) on the leader. */
function lifecycle(
  informers: ReadonlyArray<Informer<KubernetesObject>>,
  controllers: readonly Controller[],
  flush: () => Promise<void>,
  started: { controllers: boolean },
): Operator {
  return {
    startInformers: () => {
      for (const informer of informers) informer.start();
    },
    startControllers: async () => {
      await Promise.all(informers.map((i) => i.waitForSync()));
      started.controllers = true;
      for (const controller of controllers) controller.start();
    },
    abandonQueued: () => {
      for (const controller of controllers) controller.abandonQueued();
    },
    readiness: () => {
      const synced = informers.every((i) => i.hasSynced());
      return { ready: synced, reasons: synced ? [] : ['informers not synced'] };
    },
    stop: async () => {
      if (started.controllers) await Promise.all(controllers.map((c) => c.stop()));
      await Promise.all(informers.map((i) => i.stop()));
      await flush();
    },
  };
}
