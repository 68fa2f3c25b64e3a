// The generic reconciler for DataActionIntegrations: observe -> decide -> act -> status. It never
// branches on a type: everything type-specific comes from the integration registry through observe.
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  CONDITION_TYPES,
  DATA_ACTION_INTEGRATION_NAMES,
  EVENT_REASONS,
  FINALIZER,
  TERMINAL_REASONS,
  type DataActionIntegrationStatus,
} from '../api/index.ts';
import { act } from './act.ts';
import { afterAct, decide } from './decide.ts';
import type { ReconcilerDeps } from './deps.ts';
import { verdictFor, type ErrorVerdict } from './error-reasons.ts';
import type { Decision } from './model.ts';
import { observeFresh, observeIntegration } from './observe.ts';
import { IN_USE_POLL_MS } from './organization-decide.ts';
import { followUpOrResync, isWriteRace, ReconcileError, resync, settleWriteRaces, type ReconcileResult } from './requeue.ts';
import { composeStatus, failureWarning } from './status.ts';

const PLATFORM_WRITES: ReadonlySet<string> = new Set(['configure', 'setState', 'writeCredential', 'deleteIntegration', 'deleteCredential']);

function writesToPlatform(decision: Decision): boolean {
  return decision.actions.some((a) => PLATFORM_WRITES.has(a.type));
}

export async function reconcileIntegration(deps: ReconcilerDeps, namespace: string, name: string): Promise<ReconcileResult> {
  const log = deps.logger.child({ kind: DATA_ACTION_INTEGRATION_NAMES.kind, namespace, name });
  return settleWriteRaces(log, () => reconcileOnce(deps, log, namespace, name));
}

async function reconcileOnce(
  deps: ReconcilerDeps,
  log: ReconcilerDeps['logger'],
  namespace: string,
  name: string,
): Promise<ReconcileResult> {
  const object = deps.integrations.get(namespace, name);
  if (object === undefined) return {};
  const users = await actionsHolding(deps, object);
  if (users.length > 0) {
    const message = `Waiting for ${users.length} DataAction(s) of this integration to be deleted first: ${users.slice(0, 10).join(', ')}`;
    deps.events.record(object, 'Warning', EVENT_REASONS.inUse, message);
    return { requeueAfterMs: IN_USE_POLL_MS };
  }
  const current = (object as { status?: DataActionIntegrationStatus }).status ?? {};
  const generation = object.metadata?.generation ?? 0;

  let decision: Decision | undefined;
  let latest = object;
  let learned: Partial<DataActionIntegrationStatus> = {};
  let failure: ErrorVerdict | undefined;
  let error: unknown;
  try {
    let observed = await observeIntegration(deps, object);
    if (observed.ok && observed.context.fromListing === true && writesToPlatform(decide(observed.observation))) {
      // What the org's shared listing showed is confirmed by a fresh read before anything is written.
      observed = await observeFresh(deps, observed);
    }
    if (!observed.ok) {
      failure = { reason: TERMINAL_REASONS.invalidSpec, message: observed.message, terminal: true, retryAfterMs: undefined };
    } else {
      decision = decide(observed.observation);
      const outcome = await act(deps, observed.context, decision.actions);
      latest = outcome.object;
      learned = outcome.status;
      decision = afterAct(decision, learned);
      for (const event of [...decision.events, ...outcome.events]) {
        deps.events.record(latest, event.type, event.reason, deps.scrubber.scrub(event.message));
      }
      if (outcome.released) {
        log.info('Released the resource after deleting from the platform');
        return {};
      }
      error = outcome.error;
    }
  } catch (thrown) {
    error = thrown;
  }
  if (error !== undefined) {
    if (isWriteRace(error)) throw error;
    failure = verdictFor(error);
    failure = { ...failure, message: deps.scrubber.scrub(failure.message) };
  }

  const status = composeStatus(current, decision, learned, failure, generation, new Date(deps.now()), (t) => deps.scrubber.scrub(t));
  if (await deps.integrationWriter.writeStatus(latest, current, status)) log.debug('Updated status');
  const warning = failureWarning(current, status);
  if (warning !== undefined) deps.events.record(latest, 'Warning', warning.reason, warning.message);
  const ready = status.conditions?.find((c) => c.type === CONDITION_TYPES.ready);
  deps.observeState?.(namespace, name, status.state, ready?.status ?? 'Unknown');

  if (failure !== undefined) {
    if (failure.terminal) {
      log.warn({ reason: failure.reason }, `Could not sync: ${failure.message}`);
      return resync(deps.resyncMs);
    }
    if (failure.retryAfterMs !== undefined) return { requeueAfterMs: failure.retryAfterMs };
    throw new ReconcileError(failure.reason, failure.message);
  }
  if (decision !== undefined && decision.actions.length > 0) {
    log.info({ actions: decision.actions.map((a) => a.type) }, 'Reconciled integration');
  }
  return followUpOrResync(decision?.requeueAfterMs, deps.resyncMs);
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
