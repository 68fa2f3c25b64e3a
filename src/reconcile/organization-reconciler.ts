// Reconciles a GenesysCloudOrganization: observe -> decide -> act -> status, as for integrations. It
// obtains a token and reads the org (Ready), reports usage per type against the platform's limits, and
// holds a finalizer while integrations still reference it.
import type { KubernetesObject } from '@kubernetes/client-node';
import { FINALIZER, ORGANIZATION_NAMES, ORGANIZATION_READY_REASONS } from '../api/index.ts';
import type { ReconcilerDeps } from './deps.ts';
import { decideOrganization, type OrganizationAction, type OrganizationDecision } from './organization-decide.ts';
import { observeOrganization } from './organization-observe.ts';
import { reconcileNamed } from './managed-reconciler.ts';
import { afterFailure, resync, type ReconcileResult } from './requeue.ts';

export function reconcileOrganization(deps: ReconcilerDeps, namespace: string, name: string): Promise<ReconcileResult> {
  return reconcileNamed(deps.logger, ORGANIZATION_NAMES.kind, namespace, name, (log) => reconcileOnce(deps, log, namespace, name));
}

async function reconcileOnce(
  deps: ReconcilerDeps,
  log: ReconcilerDeps['logger'],
  namespace: string,
  name: string,
): Promise<ReconcileResult> {
  const object = deps.organizations.get(namespace, name);
  if (object === undefined) {
    deps.sessions.forget(`${namespace}/${name}`);
    return {};
  }
  const observation = await observeOrganization(deps, object);
  const decision = decideOrganization(observation);
  await act(deps, object, decision.actions);
  if (decision.actions.some((a) => a.type === 'removeFinalizer')) log.info('Released the organization: no integration uses it');
  if (decision.status !== undefined) await deps.organizationWriter.writeStatus(object, observation.status, decision.status);
  for (const event of decision.events) deps.events.record(object, event.type, event.reason, deps.scrubber.scrub(event.message));
  if (observation.platform.kind === 'read' && decision.events.some((e) => e.reason === ORGANIZATION_READY_REASONS.connected)) {
    log.info({ organizationId: observation.platform.id }, 'Connected to organization');
  }
  return next(deps, log, decision.next);
}

/** Carries out the finalizer writes decide asked for, in order. */
async function act(deps: ReconcilerDeps, object: KubernetesObject, actions: readonly OrganizationAction[]): Promise<void> {
  for (const action of actions) {
    switch (action.type) {
      case 'addFinalizer':
        await deps.organizationWriter.addFinalizer(object, FINALIZER);
        break;
      case 'removeFinalizer':
        await deps.organizationWriter.removeFinalizer(object, FINALIZER);
        break;
      case 'forgetSession':
        deps.sessions.forget(`${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`);
        break;
    }
  }
}

function next(deps: ReconcilerDeps, log: ReconcilerDeps['logger'], after: OrganizationDecision['next']): ReconcileResult {
  if (after === 'done') return {};
  if (after === 'resync') return resync(deps.resyncMs);
  if ('afterMs' in after) return { requeueAfterMs: after.afterMs };
  return afterFailure(log, after.failure, deps.resyncMs, 'Could not connect');
}
