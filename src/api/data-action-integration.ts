// DataActionIntegration: one data action integration on the platform. The per-type settings objects,
// their CEL rules and the Secret requirement come from the integration registry, so this file names
// no type.
import { z } from 'zod';
import { CREDENTIALS_NOT_NEEDED, INTEGRATION_KINDS, INTEGRATION_TYPES } from '../integrations/registry.ts';
import type { CelRule } from '../integrations/kind.ts';
import { ConditionsSchema } from './conditions.ts';
import { LocalObjectReferenceSchema, ObjectMetaSchema } from './common.ts';
import { API_VERSION, GROUP, VERSION } from './group.ts';

export const DELETION_POLICIES = ['Delete', 'Orphan'] as const;
export type DeletionPolicy = (typeof DELETION_POLICIES)[number];

/** Longest displayName; the operator may append " N" (up to 4 characters) to keep names unique. */
export const DISPLAY_NAME_MAX = 200;
export const NOTES_MAX = 2000;

const settingsBlocks = Object.fromEntries(
  INTEGRATION_KINDS.flatMap((kind) =>
    kind.settings === undefined
      ? []
      : [[kind.settings.key, kind.settings.schema.optional().describe(`Settings for spec.type ${kind.type}.`)]],
  ),
);

/** CEL on spec: each settings block only beside its own type; the Secret where the type needs one. */
function specRules(): CelRule[] {
  const rules: CelRule[] = [
    {
      rule: 'self.type == oldSelf.type',
      message: 'spec.type is immutable: delete and recreate the resource to change it',
      fieldPath: '.type',
    },
  ];
  for (const kind of INTEGRATION_KINDS) {
    if (kind.settings === undefined) continue;
    const key = kind.settings.key;
    rules.push({
      rule: `!has(self.${key}) || self.type == '${kind.type}'`,
      message: `spec.${key} may only be set when spec.type is ${kind.type}`,
      fieldPath: `.${key}`,
      reason: 'FieldValueForbidden',
    });
    rules.push(...(kind.settings.rules ?? []));
  }
  const optional = INTEGRATION_KINDS.filter((k) => k.secretOptionalWhen !== undefined).map(
    (k) => `(self.type == '${k.type}' && (${k.secretOptionalWhen ?? 'false'}))`,
  );
  rules.push({
    rule: ['has(self.credentials)', ...optional].join(' || '),
    message: 'spec.credentials.secretRef is required for this spec.type',
    fieldPath: '.credentials',
    reason: 'FieldValueRequired',
  });
  return rules;
}

export const DataActionIntegrationSpecSchema = z
  .object({
    organizationRef: LocalObjectReferenceSchema.describe('The GenesysCloudOrganization (same namespace) to create the integration in.'),
    type: z.enum(INTEGRATION_TYPES).describe('The data action integration type. Immutable.'),
    displayName: z
      .string()
      .min(1)
      .max(DISPLAY_NAME_MAX)
      .optional()
      .describe(
        'The name wanted on the platform (default metadata.name). The operator sets the first of ' +
          '"displayName", "displayName 2", ... that no other integration of the org carries, and keeps it ' +
          'until displayName changes.',
      ),
    notes: z
      .string()
      .max(NOTES_MAX)
      .optional()
      .describe('Notes shown on the platform. The operator appends a line that says it manages the integration.'),
    active: z.boolean().default(true).describe('Whether the integration is Active (true) or Inactive (false) on the platform.'),
    credentials: z
      .object({
        secretRef: LocalObjectReferenceSchema.describe('A Secret in this namespace holding the credential fields of spec.type.'),
      })
      .optional()
      .describe(`Where the credentials come from. Required unless the type needs none (${CREDENTIALS_NOT_NEEDED}).`),
    ...settingsBlocks,
    deletionPolicy: z
      .enum(DELETION_POLICIES)
      .default('Delete')
      .describe('Delete removes the integration and its credential from the platform with the resource; Orphan leaves them.'),
  })
  .meta({ 'x-kubernetes-validations': specRules() });

/** The spec as the operator reads it (settings blocks stay unparsed until their type parses them). */
export type DataActionIntegrationSpec = z.infer<typeof DataActionIntegrationSpecSchema> & Record<string, unknown>;

export const DataActionIntegrationStatusSchema = z.object({
  observedGeneration: z.number().int().min(0).optional().describe('The generation the status was computed from.'),
  integrationId: z.string().max(128).optional().describe('The platform id of the integration.'),
  integrationTypeId: z.string().max(128).optional().describe('The platform integration type id.'),
  credentialId: z.string().max(128).optional().describe('The platform id of the credential linked to it.'),
  platformName: z.string().max(256).optional().describe('The name actually set on the platform.'),
  state: z.string().max(64).optional().describe('The state the platform reports: ACTIVE, INACTIVE, ACTIVATING, DEACTIVATING or ERROR.'),
  credentialsRevision: z
    .string()
    .max(128)
    .optional()
    .describe('An HMAC of the credential fields last written (never a plain hash of secret values).'),
  conditions: ConditionsSchema.optional(),
});
export type DataActionIntegrationStatus = z.infer<typeof DataActionIntegrationStatusSchema>;

export const DataActionIntegrationSchema = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('DataActionIntegration'),
  metadata: ObjectMetaSchema,
  spec: DataActionIntegrationSpecSchema,
  status: DataActionIntegrationStatusSchema.optional(),
});
export type DataActionIntegration = z.infer<typeof DataActionIntegrationSchema>;

export const DATA_ACTION_INTEGRATION_NAMES = {
  kind: 'DataActionIntegration',
  listKind: 'DataActionIntegrationList',
  plural: 'dataactionintegrations',
  singular: 'dataactionintegration',
  shortNames: ['dai'],
} as const;

/** Where DataActionIntegrations live in the API (a kube ResourceRef). */
export const DATA_ACTION_INTEGRATION_RESOURCE = { group: GROUP, version: VERSION, plural: DATA_ACTION_INTEGRATION_NAMES.plural } as const;

export const DATA_ACTION_INTEGRATION_PRINTER_COLUMNS = [
  { name: 'Type', type: 'string', jsonPath: '.spec.type' },
  { name: 'Name On Platform', type: 'string', jsonPath: '.status.platformName' },
  { name: 'State', type: 'string', jsonPath: '.status.state' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Synced', type: 'string', jsonPath: '.status.conditions[?(@.type=="Synced")].status' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Integration ID', type: 'string', jsonPath: '.status.integrationId', priority: 1 },
  { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', priority: 1 },
] as const;
