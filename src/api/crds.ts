// The three CRDs this project serves, as inputs to buildCrd.
import type { CrdSource } from './crd.ts';
import { INTEGRATION_TITLES_IN_WORDS } from '../integrations/registry.ts';
import {
  DATA_ACTION_INTEGRATION_NAMES,
  DATA_ACTION_INTEGRATION_PRINTER_COLUMNS,
  DataActionIntegrationSpecSchema,
  DataActionIntegrationStatusSchema,
} from './data-action-integration.ts';
import { DATA_ACTION_NAMES, DATA_ACTION_PRINTER_COLUMNS, DataActionSpecSchema, DataActionStatusSchema } from './data-action.ts';
import { ORGANIZATION_NAMES, ORGANIZATION_PRINTER_COLUMNS, OrganizationSpecSchema, OrganizationStatusSchema } from './organization.ts';

export const CRD_SOURCES: readonly CrdSource[] = [
  {
    names: ORGANIZATION_NAMES,
    description: 'GenesysCloudOrganization tells the operator how to reach one Genesys Cloud organization.',
    spec: OrganizationSpecSchema,
    status: OrganizationStatusSchema,
    printerColumns: ORGANIZATION_PRINTER_COLUMNS,
  },
  {
    names: DATA_ACTION_INTEGRATION_NAMES,
    description: `DataActionIntegration is one Genesys Cloud data action integration (${INTEGRATION_TITLES_IN_WORDS}), kept as declared.`,
    spec: DataActionIntegrationSpecSchema,
    status: DataActionIntegrationStatusSchema,
    printerColumns: DATA_ACTION_INTEGRATION_PRINTER_COLUMNS,
  },
  {
    names: DATA_ACTION_NAMES,
    description:
      'DataAction is one data action of a DataActionIntegration: contracts, request and response, published through a validated draft.',
    spec: DataActionSpecSchema,
    status: DataActionStatusSchema,
    printerColumns: DATA_ACTION_PRINTER_COLUMNS,
  },
];
