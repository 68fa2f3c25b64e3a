// DataActionIntegration as a managed kind: what the generic reconciler (managed-reconciler.ts) needs to
// know of it. It never branches on a type: everything type-specific comes from the integration registry
// through observe.
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  DATA_ACTION_INTEGRATION_NAMES,
  EVENT_REASONS,
  FINALIZER,
  CONDITION_TYPES,
  type DataActionIntegrationStatus,
} from '../api/index.ts';
import { act, type ActOutcome } from './act.ts';
import { afterAct, decide } from './decide.ts';
import type { ReconcilerDeps } from './deps.ts';
import { verdictFor } from './error-reasons.ts';
import { reconcileManaged, type ManagedKind } from './managed-reconciler.ts';
import type { Decision } from './model.ts';
import { observeFresh, observeIntegration, type ObserveResult } from './observe.ts';
import { IN_USE_POLL_MS } from './organization-decide.ts';
import type { ReconcileResult } from './requeue.ts';
import { composeStatus } from './status.ts';

const PLATFORM_WRITES: ReadonlySet<string> = new Set(['configure', 'setState', 'writeCredential', 'deleteIntegration', 'deleteCredential']);

function writesToPlatform(decision: Decision): boolean {
  return decision.actions.some((a) => PLATFORM_WRITES.has(a.type));
}

type Observed = Extract<ObserveResult, { ok: true }>;

export const integrationKind: ManagedKind<ReconcilerDeps, DataActionIntegrationStatus, Observed, Decision, ActOutcome> = {
  kind: DATA_ACTION_INTEGRATION_NAMES.kind,
  logs: { released: 'Released the resource after deleting from the platform', reconciled: 'Reconciled integration', planField: 'actions' },
  cache: (deps) => deps.integrations,
  writer: (deps) => deps.integrationWriter,
  holds: waitForActions,
  async observe(deps, object) {
    const observed = await observeIntegration(deps, object);
    if (observed.ok && observed.context.fromListing === true && writesToPlatform(decide(observed.observation))) {
      // What the org's shared listing showed is confirmed by a fresh read before anything is written.
      return observeFresh(deps, observed);
    }
    return observed;
  },
  decide: (observed) => decide(observed.observation),
  act: (deps, observed, decision) => act(deps, observed.context, decision.actions),
  afterAct: (decision, outcome) => afterAct(decision, outcome.status),
  planned: (decision) => decision.actions.map((a) => a.type),
  classify: verdictFor,
  composeStatus: (deps, pass) =>
    composeStatus(pass.current, pass.decision, pass.learned, pass.failure, pass.generation, pass.now, (t) => deps.scrubber.scrub(t)),
  onStatus(deps, namespace, name, status) {
    const ready = status.conditions?.find((c) => c.type === CONDITION_TYPES.ready);
    deps.observeState?.(namespace, name, status.state, ready?.status ?? 'Unknown');
  },
};

export function reconcileIntegration(deps: ReconcilerDeps, namespace: string, name: string): Promise<ReconcileResult> {
  return reconcileManaged(integrationKind, deps, namespace, name);
}

/** An integration being deleted that DataActions still hold waits for them, with a Warning saying which. */
async function waitForActions(deps: ReconcilerDeps, object: KubernetesObject): Promise<ReconcileResult | undefined> {
  const users = await actionsHolding(deps, object);
  if (users.length === 0) return undefined;
  const message = `Waiting for ${users.length} DataAction(s) of this integration to be deleted first: ${users.slice(0, 10).join(', ')}`;
  deps.events.record(object, 'Warning', EVENT_REASONS.inUse, message);
  return { requeueAfterMs: IN_USE_POLL_MS };
}

/**
 * The DataActions that hold an integration being deleted (deletionPolicy Delete): it waits for them, as an
 * organization in use does, so an action never loses its integration while it is deleted. An uninstall
 * (the CRD being deleted) or Orphan waits for nothing.
 */
async function actionsHolding(deps: ReconcilerDeps, object: KubernetesObject): Promise<readonly string[]> {
  const deleting = object.metadata?.deletionTimestamp !== undefined && (object.metadata.finalizers ?? []).includes(FINALIZER);
  if (!deleting || deps.actionsUsing === undefined) return [];
  if ((object as { spec?: { deletionPolicy?: string } }).spec?.deletionPolicy === 'Orphan') return [];
  const users = deps.actionsUsing(object.metadata?.namespace ?? '', object.metadata?.name ?? '');
  if (users.length === 0 || (await deps.kindBeingDeleted?.()) === true) return [];
  return users;
}
