// observe for a GenesysCloudOrganization: who uses it, and what the platform says (a token, the org, the
// usage of each type against its install limit). It changes nothing on the resource.
import type { KubernetesObject } from '@kubernetes/client-node';
import { FINALIZER, type GenesysCloudOrganization, type OrganizationStatus } from '../api/index.ts';
import { INTEGRATION_KINDS } from '../integrations/index.ts';
import type { ReconcilerDeps } from './deps.ts';
import { verdictFor } from './error-reasons.ts';
import { openSession, parseOrganization } from './org-access.ts';
import type { OrgSession } from './org-sessions.ts';
import { wasReady, type ObservedOrganizationPlatform, type OrganizationObservation, type TypeUsage } from './organization-decide.ts';

export async function observeOrganization(deps: ReconcilerDeps, object: KubernetesObject): Promise<OrganizationObservation> {
  const namespace = object.metadata?.namespace ?? '';
  const name = object.metadata?.name ?? '';
  const status = (object as { status?: OrganizationStatus }).status ?? {};
  const generation = object.metadata?.generation ?? 0;
  const observed = {
    now: deps.now(),
    generation,
    deleting: object.metadata?.deletionTimestamp !== undefined,
    hasFinalizer: object.metadata?.finalizers?.includes(FINALIZER) ?? false,
    users: deps.integrations
      .list(namespace)
      .filter((i) => (i as { spec?: { organizationRef?: { name?: string } } }).spec?.organizationRef?.name === name)
      .map((i) => i.metadata?.name ?? '')
      .sort(),
    status,
  };
  if (observed.deleting) return { ...observed, platform: { kind: 'skipped' } };
  return { ...observed, platform: await observePlatform(deps, parseOrganization(object), status, generation) };
}

async function observePlatform(
  deps: ReconcilerDeps,
  org: GenesysCloudOrganization | undefined,
  status: OrganizationStatus,
  generation: number,
): Promise<ObservedOrganizationPlatform> {
  if (org === undefined) return { kind: 'invalidSpec' };
  const opened = await openSession(deps, org);
  if (!opened.ok) return { kind: 'refused', reason: opened.reason, message: deps.scrubber.scrub(opened.message) };
  const session = opened.session;
  const sinceRefresh = session.refreshedAt === undefined ? Infinity : deps.now() - session.refreshedAt;
  if (wasReady(status) && status.observedGeneration === generation && sinceRefresh < deps.resyncMs / 2) {
    // The platform is read again at the resync.
    return { kind: 'recent', nextReadInMs: Math.max(1_000, deps.resyncMs - sinceRefresh) };
  }
  try {
    const me = await session.client.getOrganization();
    const usage = await usageOf(session, org);
    session.refreshedAt = deps.now();
    return { kind: 'read', id: deps.scrubber.scrub(me.id), name: deps.scrubber.scrub(me.name), usage };
  } catch (error) {
    const verdict = verdictFor(error);
    return { kind: 'failed', verdict: { ...verdict, message: deps.scrubber.scrub(verdict.message) } };
  }
}

/** Per type the organization can install: how many integrations it has, against the platform's limit. */
async function usageOf(session: OrgSession, org: GenesysCloudOrganization): Promise<TypeUsage[]> {
  await session.loadCatalogue();
  const all = await session.client.listIntegrations();
  const overrides = (org.spec.integrationTypeIds ?? {}) as Record<string, string | undefined>;
  const usage: TypeUsage[] = [];
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
  return usage;
}
