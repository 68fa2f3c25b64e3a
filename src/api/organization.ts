// GenesysCloudOrganization: how the operator reaches one Genesys Cloud org.
import { z } from 'zod';
import { INTEGRATION_TYPES } from '../integrations/registry.ts';
import { REGIONS } from '../platform/index.ts';
import { ConditionsSchema } from './conditions.ts';
import { LocalObjectReferenceSchema, ObjectMetaSchema } from './common.ts';
import { API_VERSION, GROUP, VERSION } from './group.ts';

const UrlSchema = z
  .string()
  .min(8)
  .max(2048)
  .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/);

export const EndpointsSchema = z
  .object({
    apiBaseUrl: UrlSchema.describe('Base URL of the Platform API, e.g. https://api.mypurecloud.com.'),
    loginBaseUrl: UrlSchema.describe('Base URL of the login service, e.g. https://login.mypurecloud.com.'),
  })
  .describe(
    'Explicit base URLs for a private endpoint or a local platform. Honoured only for hosts the operator ' +
      'was started to allow (--allowed-endpoint-hosts); otherwise the organization is not Ready.',
  );

// One optional override per type, generated from the registry so this file names no type.
const typeIdOverrides = Object.fromEntries(
  INTEGRATION_TYPES.map((type) => [
    type,
    z.string().min(1).max(128).optional().describe(`Platform integration type id to use for ${type}.`),
  ]),
);

export const OrganizationSpecSchema = z.object({
  region: z.enum(REGIONS).describe('The org region as the Genesys tools name it (us-east-1, eu-west-1, ap-southeast-2, ...).'),
  oauthClientSecretRef: LocalObjectReferenceSchema.describe(
    'A Secret in this namespace with keys clientId and clientSecret: a client-credentials OAuth client ' +
      'with the integrations permissions.',
  ),
  endpoints: EndpointsSchema.optional(),
  requestsPerMinute: z
    .number()
    .int()
    .min(1)
    .max(100000)
    .default(300)
    .describe('Request budget shared by every platform call made for this org (the platform default is 300).'),
  integrationTypeIds: z
    .object(typeIdOverrides)
    .optional()
    .describe(
      'Overrides of the platform integration type id per type. Types whose id is not published are ' +
        'otherwise discovered by name in the org types catalogue.',
    ),
});
export type OrganizationSpec = z.infer<typeof OrganizationSpecSchema>;

export const TypeUsageSchema = z.object({
  type: z.string().max(64).describe('The integration type.'),
  integrationTypeId: z.string().max(128).optional().describe('The platform integration type id.'),
  used: z.number().int().min(0).describe('Integrations of this type that exist in the org.'),
  maxInstances: z.number().int().min(0).optional().describe('The install limit the platform reports.'),
});

export const OrganizationStatusSchema = z.object({
  observedGeneration: z.number().int().min(0).optional(),
  organizationId: z.string().max(128).optional().describe('The Genesys Cloud organization id.'),
  organizationName: z.string().max(512).optional().describe('The Genesys Cloud organization name.'),
  usage: z
    .array(TypeUsageSchema)
    .max(64)
    .optional()
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })
    .describe('Integrations in use per type against the platform limit.'),
  inUseBy: z
    .array(z.string().max(253))
    .max(1000)
    .optional()
    .describe('DataActionIntegrations in this namespace that reference this organization.'),
  conditions: ConditionsSchema.optional(),
});
export type OrganizationStatus = z.infer<typeof OrganizationStatusSchema>;

export const GenesysCloudOrganizationSchema = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('GenesysCloudOrganization'),
  metadata: ObjectMetaSchema,
  spec: OrganizationSpecSchema,
  status: OrganizationStatusSchema.optional(),
});
export type GenesysCloudOrganization = z.infer<typeof GenesysCloudOrganizationSchema>;

export const ORGANIZATION_NAMES = {
  kind: 'GenesysCloudOrganization',
  listKind: 'GenesysCloudOrganizationList',
  plural: 'genesyscloudorganizations',
  singular: 'genesyscloudorganization',
  shortNames: ['gcorg'],
} as const;

/** Where GenesysCloudOrganizations live in the API (a kube ResourceRef). */
export const ORGANIZATION_RESOURCE = { group: GROUP, version: VERSION, plural: ORGANIZATION_NAMES.plural } as const;

export const ORGANIZATION_PRINTER_COLUMNS = [
  { name: 'Region', type: 'string', jsonPath: '.spec.region' },
  { name: 'Organization', type: 'string', jsonPath: '.status.organizationName' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Organization ID', type: 'string', jsonPath: '.status.organizationId', priority: 1 },
  { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', priority: 1 },
] as const;
