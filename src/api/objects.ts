// Both kinds as the API server serves them and the informers cache them: Kubernetes metadata, plus the
// spec the CRD's schema has already validated, plus whatever status the operator wrote.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { DataActionIntegrationSpec, DataActionIntegrationStatus } from './data-action-integration.ts';
import type { DataActionSpec, DataActionStatus } from './data-action.ts';
import type { OrganizationSpec, OrganizationStatus } from './organization.ts';

export type DataActionIntegrationObject = KubernetesObject & {
  spec: DataActionIntegrationSpec;
  status?: DataActionIntegrationStatus;
};

export type OrganizationObject = KubernetesObject & {
  spec: OrganizationSpec;
  status?: OrganizationStatus;
};

export type DataActionObject = KubernetesObject & {
  spec: DataActionSpec;
  status?: DataActionStatus;
};
