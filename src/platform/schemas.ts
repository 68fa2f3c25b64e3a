// The platform's models as this client reads them (docs/platform-facts.md §2, JS SDK index.d.ts). Every object is
// loose so that fields the platform adds later never break parsing; only what the operator uses is checked.
// JSON nulls are dropped before parsing (see response.ts), so "absent" and "null" read the same.
import { z } from 'zod';

// docs/platform-facts.md §2 "Config": the API can return this for empty notes; TF maps it to "".
const EMPTY_NOTES_QUIRK = 'node_dynamodb_empty_string';

const notes = z.string().transform((value) => (value === EMPTY_NOTES_QUIRK ? '' : value));
const looseRecord = z.record(z.string(), z.unknown());

export const organizationSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  thirdPartyOrgName: z.string().optional(),
  domain: z.string().optional(),
  state: z.string().optional(),
});
export type Organization = z.output<typeof organizationSchema>;

export const reportedStateSchema = z.looseObject({
  // ACTIVE | ACTIVATING | INACTIVE | DEACTIVATING | ERROR, kept open for codes added later.
  code: z.string(),
  effective: z.string().optional(),
  detail: z
    .looseObject({
      localizableMessageCode: z.string().optional(),
      message: z.string().optional(),
      messageWithParams: z.string().optional(),
      messageParams: looseRecord.optional(),
    })
    .optional(),
  lastUpdated: z.string().optional(),
});
export type ReportedState = z.output<typeof reportedStateSchema>;
export type ReportedStateCode = 'ACTIVE' | 'ACTIVATING' | 'INACTIVE' | 'DEACTIVATING' | 'ERROR';

export const credentialRefSchema = z.looseObject({ id: z.string() });
export type CredentialRef = z.output<typeof credentialRefSchema>;

export const integrationConfigSchema = z.looseObject({
  name: z.string().default(''),
  version: z.number().int(),
  properties: looseRecord.default({}),
  advanced: looseRecord.default({}),
  notes: notes.default(''),
  credentials: z.record(z.string(), credentialRefSchema).default({}),
});
export type IntegrationConfig = z.output<typeof integrationConfigSchema>;

/** What `updateConfig`'s change function returns: the whole desired config; the client adds the version. */
export interface IntegrationConfigUpdate {
  readonly name: string;
  readonly notes: string;
  readonly properties: Record<string, unknown>;
  readonly advanced: Record<string, unknown>;
  readonly credentials: Record<string, { readonly id: string }>;
}

export type IntendedState = 'ENABLED' | 'DISABLED';

export const integrationSchema = z.looseObject({
  id: z.string(),
  name: z.string().default(''),
  integrationType: z.looseObject({ id: z.string(), name: z.string().optional() }),
  notes: notes.optional(),
  intendedState: z.string().optional(),
  reportedState: reportedStateSchema.optional(),
  attributes: looseRecord.optional(),
  // A listing may carry the whole config.current or only its id (docs/platform-facts.md §10): read with configOf.
  config: z.looseObject({ current: z.unknown().optional() }).optional(),
  selfUri: z.string().optional(),
});
export type Integration = z.output<typeof integrationSchema>;

/** The configuration an integration answer carries in full (an expanded listing), else undefined. */
export function configOf(integration: Integration): IntegrationConfig | undefined {
  const current = integration.config?.current;
  if (typeof current !== 'object' || current === null || typeof (current as { version?: unknown }).version !== 'number') return undefined;
  const parsed = integrationConfigSchema.safeParse(current);
  return parsed.success ? parsed.data : undefined;
}

export const credentialSpecificationSchema = z.looseObject({
  required: z.boolean().default(false),
  title: z.string().optional(),
  credentialTypes: z.array(z.string()).default([]),
});
export type CredentialSpecification = z.output<typeof credentialSpecificationSchema>;

export const integrationTypeSchema = z.looseObject({
  id: z.string(),
  name: z.string().default(''),
  description: z.string().optional(),
  provider: z.string().optional(),
  category: z.string().optional(),
  credentials: z.record(z.string(), credentialSpecificationSchema).default({}),
  maxInstances: z.number().optional(),
  nonInstallable: z.boolean().optional(),
});
export type IntegrationType = z.output<typeof integrationTypeSchema>;

export const credentialTypeSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string(),
  properties: looseRecord.optional(),
  displayOrder: z.array(z.string()).optional(),
  required: z.array(z.string()).optional(),
});
export type CredentialType = z.output<typeof credentialTypeSchema>;

export const credentialInfoSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  createdDate: z.string().optional(),
  modifiedDate: z.string().optional(),
  type: z.looseObject({ name: z.string().optional() }).optional(),
  selfUri: z.string().optional(),
});
export type CredentialInfo = z.output<typeof credentialInfoSchema>;

/**
 * A credential as read back. The platform redacts the sensitive fields, but the values are still
 * dropped here: only the field names leave the client, so no credential value can reach a log or a
 * status by way of this object.
 */
export type Credential = CredentialInfo & { readonly credentialFieldNames: string[] };

export const credentialWithFieldsSchema = credentialInfoSchema.extend({
  credentialFields: looseRecord.optional(),
});

/** Page-based listing envelope (IntegrationEntityListing and friends). */
export const pageSchema = z.looseObject({
  entities: z.array(z.unknown()).default([]),
  pageCount: z.number().optional(),
});

/** Cursor-based listing envelope (credentials listing). */
export const cursorPageSchema = z.looseObject({
  entities: z.array(z.unknown()).default([]),
  nextUri: z.string().optional(),
});

export const errorBodySchema = z.looseObject({
  message: z.string().optional(),
  code: z.string().optional(),
  contextId: z.string().optional(),
  // OAuth errors (docs/platform-facts.md §5) carry these instead.
  error: z.string().optional(),
  error_description: z.string().optional(),
});

export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional(),
});
