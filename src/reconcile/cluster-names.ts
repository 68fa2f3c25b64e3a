// The names the cluster says are taken in one real org: the status.platformName of every other
// DataActionIntegration whose GenesysCloudOrganization reached that org (its status.organizationId). Status
// lives in etcd, so a replica that takes over after another was killed still sees the names that one chose,
// even while the platform's listing lags behind the writes that set them (a lag the Terraform provider also
// works around, docs/platform-facts.md §10), and the in-memory reservations died with the process.
import type { DataActionIntegrationObject, OrganizationObject } from '../api/index.ts';
import type { ObjectCache } from './deps.ts';

export function namesClaimedInCluster(
  caches: { readonly integrations: ObjectCache; readonly organizations: ObjectCache },
  organizationId: string,
  exceptUid: string | undefined,
): string[] {
  const names: string[] = [];
  for (const org of caches.organizations.list() as readonly OrganizationObject[]) {
    if (org.status?.organizationId !== organizationId) continue;
    const namespace = org.metadata?.namespace;
    for (const dai of caches.integrations.list(namespace) as readonly DataActionIntegrationObject[]) {
      if (dai.spec.organizationRef.name !== org.metadata?.name || dai.metadata?.uid === exceptUid) continue;
      // One being deleted gives its name up; until its delete call the listing still shows it, lag aside.
      if (dai.metadata?.deletionTimestamp !== undefined) continue;
      const name = dai.status?.platformName;
      if (name !== undefined) names.push(name);
    }
  }
  return names;
}
