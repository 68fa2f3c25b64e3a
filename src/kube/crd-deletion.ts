// Uninstall safety: deleting a CustomResourceDefinition deletes every resource of its kind, in every
// namespace, without anyone having asked for any one of them to go. The API server marks the CRD first
// (metadata.deletionTimestamp) and only then deletes its resources, so a resource that is being deleted
// while its CRD is marked was taken by the CRD's deletion, not by its owner. The reconciler orphans those.
import type { KubeConfig } from '@kubernetes/client-node';
import { DATA_ACTION_INTEGRATION_RESOURCE } from '../api/index.ts';
import { isNotFound } from './errors.ts';
import { transportFor } from './transport.ts';

/** The path of one CustomResourceDefinition (cluster-scoped), by its name `<plural>.<group>`. */
export function crdPath(crdName: string): string {
  return `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(crdName)}`;
}

/**
 * Returns a probe that reads the CRD (one GET, asked only for a resource that is being deleted) and says
 * whether it is being deleted. A CRD that is gone counts as deleted. Any other error (no RBAC to get it,
 * the API server away) is thrown: the reconcile fails and is retried, and nothing is deleted meanwhile.
 */
export function crdDeletionProbe(kc: KubeConfig, crdName: string): () => Promise<boolean> {
  return async () => {
    try {
      const crd = await transportFor(kc).request<{ metadata?: { deletionTimestamp?: string } }>({ method: 'GET', path: crdPath(crdName) });
      return crd.metadata?.deletionTimestamp !== undefined;
    } catch (error) {
      if (isNotFound(error)) return true;
      throw error;
    }
  };
}

/** The probe for the DataActionIntegration CRD, the kind whose deletion reaches the platform. */
export function integrationCrdDeletionProbe(kc: KubeConfig): () => Promise<boolean> {
  return crdDeletionProbe(kc, `${DATA_ACTION_INTEGRATION_RESOURCE.plural}.${DATA_ACTION_INTEGRATION_RESOURCE.group}`);
}
