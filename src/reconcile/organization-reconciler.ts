// Reconciles a GenesysCloudOrganization: obtains a token and reads the org (Ready), reports usage per
// type against the platform's limits, and holds a finalizer while integrations still reference it.
import {
  CONDITION_TYPES,
  EVENT_REASONS,
  FINALIZER,
  ORGANIZATION_NAMES,
  ORGANIZATION_READY_REASONS,
  setCondition,
  type Condition,
  type OrganizationStatus,
} from '../api/index.ts';
import { INTEGRATION_KINDS } from '../integrations/index.ts';
import type { ReconcilerDeps } from './deps.ts';
import { verdictFor } from './error-reasons.ts';
import { isWriteRace, jitter, ReconcileError, settleWriteRaces, type ReconcileResult } from './requeue.ts';
import { openSession, parseOrganization } from './org-access.ts';

/** How often to look again while integrations still hold a deleted organization. */
const IN_USE_POLL_MS = 5_000;

export async function reconcileOrganization(deps: ReconcilerDeps, namespace: string, name: string): Promise<ReconcileResult> {
  const log = deps.logger.child({ kind: ORGANIZATION_NAMES.kind, namespace, name });
  return settleWriteRaces(log, () => reconcileOnce(deps, log, namespace, name));
}

async function reconcileOnce(
  deps: ReconcilerDeps,
  log: ReconcilerDeps['logger'],
  namespace: string,
  name: string,
): Promise<ReconcileResult> {
  const key = `${namespace}/${name}`;
  const object = deps.organizations.get(namespace, name);
  if (object === undefined) {
    deps.sessions.forget(key);
    return {};
  }
  const write = (current: OrganizationStatus, desired: OrganizationStatus): Promise<boolean> =>
    deps.organizationWriter.writeStatus(object, current, desired);
  const org = parseOrganization(object);
  const current = (object as { status?: OrganizationStatus }).status ?? {};
  const generation = object.metadata?.generation ?? 0;
  const users = deps.integrations
    .list(namespace)
    .filter((i) => (i as { spec?: { organizationRef?: { name?: string } } }).spec?.organizationRef?.name === name)
    .map((i) => i.metadata?.name ?? '')
    .sort();
  const finalizers = object.metadata?.finalizers ?? [];

  if (object.metadata?.deletionTimestamp !== undefined) {
    if (!finalizers.includes(FINALIZER)) return {};
    if (users.length > 0) {
      await write(current, { ...current, inUseBy: users });
      deps.events.record(
        object,
        'Warning',
        EVENT_REASONS.inUse,
        `Still used by ${users.length} DataActionIntegration(s): ${users.slice(0, 10).join(', ')}`,
      );
      return { requeueAfterMs: IN_USE_POLL_MS };
    }
    await deps.organizationWriter.removeFinalizer(object, FINALIZER);
    deps.sessions.forget(key);
    log.info('Released the organization: no integration uses it');
    return {};
  }
  await deps.organizationWriter.addFinalizer(object, FINALIZER);

  const now = new Date(deps.now());
  const ready = (status: 'True' | 'False', reason: string, message: string): Condition[] =>
    setCondition(
      current.conditions,
      { type: CONDITION_TYPES.ready, status, reason, message: deps.scrubber.scrub(message), observedGeneration: generation },
      now,
    );

  if (org === undefined) {
    await write(current, {
      ...current,
      observedGeneration: generation,
      inUseBy: users,
      conditions: ready('False', ORGANIZATION_READY_REASONS.invalidSpec, 'The resource does not match its schema'),
    });
    return {};
  }
  const opened = await openSession(deps, org);
  if (!opened.ok) {
    await write(current, {
      ...current,
      observedGeneration: generation,
      inUseBy: users,
      conditions: ready('False', opened.reason, opened.message),
    });
    deps.events.record(object, 'Warning', opened.reason, deps.scrubber.scrub(opened.message));
    return { requeueAfterMs: jitter(deps.resyncMs) };
  }
  const session = opened.session;
  const wasReady = current.conditions?.some((c) => c.type === CONDITION_TYPES.ready && c.status === 'True') ?? false;
  const sinceRefresh = session.refreshedAt === undefined ? Infinity : deps.now() - session.refreshedAt;
  if (wasReady && current.observedGeneration === generation && sinceRefresh < deps.resyncMs / 2) {
    // Woken by an integration coming or going: only who uses the org changed. The platform is read
    // again at the resync.
    await write(current, { ...current, inUseBy: users });
    return { requeueAfterMs: Math.max(1_000, deps.resyncMs - sinceRefresh) };
  }
  try {
    const me = await session.client.getOrganization();
    await session.loadCatalogue();
    const all = await session.client.listIntegrations();
    const overrides = (org.spec.integrationTypeIds ?? {}) as Record<string, string | undefined>;
    const usage = [];
    for (const kind of INTEGRATION_KINDS) {
      const resolved = await session.resolve(kind, overrides[kind.type]);
      if (resolved === undefined) continue;
      usage.push({
        type: kind.type,
        integrationTypeId: resolved.typeId,
        used: all.filter((i) => i.integrationType.id === resolved.typeId).length,
        maxInstances: resolved.maxInstances,
      });
    }
    session.refreshedAt = deps.now();
    await write(current, {
      observedGeneration: generation,
      organizationId: me.id,
      organizationName: me.name,
      usage,
      inUseBy: users,
      conditions: ready('True', ORGANIZATION_READY_REASONS.connected, `Connected to organization "${me.name}" (${me.id})`),
    });
    if (!wasReady) {
      deps.events.record(object, 'Normal', ORGANIZATION_READY_REASONS.connected, `Connected to organization "${me.name}"`);
      log.info({ organizationId: me.id }, 'Connected to organization');
    }
    return { requeueAfterMs: jitter(deps.resyncMs) };
  } catch (error) {
    if (isWriteRace(error)) throw error;
    const verdict = verdictFor(error);
    const message = deps.scrubber.scrub(verdict.message);
    // A passing failure (5xx, timeout, 429) leaves a Ready organization Ready: flipping it would block
    // every integration's reconcile and deletion for a blip. Only a terminal failure (or a first connect
    // that never succeeded) says Ready=False.
    if (verdict.terminal || !wasReady) {
      await write(current, {
        ...current,
        observedGeneration: generation,
        inUseBy: users,
        conditions: ready('False', verdict.reason, verdict.message),
      });
    }
    deps.events.record(object, 'Warning', verdict.reason, message);
    if (verdict.terminal) {
      log.warn({ reason: verdict.reason }, `Could not connect: ${message}`);
      return { requeueAfterMs: jitter(deps.resyncMs) };
    }
    if (verdict.retryAfterMs !== undefined) return { requeueAfterMs: verdict.retryAfterMs };
    throw new ReconcileError(verdict.reason, message);
  }
}
