// The integration types and credential types the emulated organization offers (docs/platform-facts.md §1-§4).
import { badRequest } from './errors.ts';
import { CLIENT_CERTIFICATE_AUTHORITIES, GUESSED_CREDENTIAL_TYPES, GUESSED_SLOT_KEYS, GUESSED_TYPE_IDS } from './guesses.ts';

/** The eight data action kinds, named as DESIGN.md's `spec.type` names them. */
export const KINDS = [
  'Adobe',
  'AWSLambda',
  'GenesysCloud',
  'Google',
  'MicrosoftDynamics365',
  'Salesforce',
  'WebServices',
  'Zendesk',
] as const;
export type Kind = (typeof KINDS)[number];

export interface CredentialTypeDef {
  readonly name: string;
  readonly required: readonly string[];
  readonly optional: readonly string[];
  /** User-defined types take any keys (§2). */
  readonly freeForm: boolean;
  readonly sensitive: readonly string[];
}

export interface CredentialSlot {
  readonly required: boolean;
  readonly title: string;
  readonly credentialTypes: readonly string[];
}

export interface JsonSchemaProperty {
  readonly type: 'string';
  readonly title: string;
  readonly enum?: readonly string[];
  readonly default?: string;
}

export interface ConfigSchema {
  readonly required: readonly string[];
  readonly properties: Readonly<Record<string, JsonSchemaProperty>>;
}

export interface IntegrationTypeDef {
  readonly kind: Kind;
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** The name a new integration of this type gets when created without one. */
  readonly defaultName: string;
  readonly maxInstances: number;
  readonly credentials: Readonly<Record<string, CredentialSlot>>;
  readonly propertiesSchema: ConfigSchema;
  readonly advancedSchema: ConfigSchema;
}

export type ConfigSchemaKind = 'properties' | 'advanced';

export interface CatalogueOptions {
  /** New type ids, keyed by kind ("Google") or by the catalogue's own id ("emulator-google-data-actions"). */
  readonly typeIds?: Partial<Record<string, string>>;
  /** maxInstances, keyed by type id (after any override) or by kind. */
  readonly installLimits?: Partial<Record<string, number>>;
}

const fixed = (name: string, required: string[], optional: string[], sensitive: string[]): CredentialTypeDef => ({
  name,
  required,
  optional,
  freeForm: false,
  sensitive,
});
const freeForm = (name: string): CredentialTypeDef => ({ name, required: [], optional: [], freeForm: true, sensitive: [] });

// §2/§3 tables; Google's and Adobe's from guesses.ts.
const CREDENTIAL_TYPES: readonly CredentialTypeDef[] = [
  fixed('basicAuth', ['userName'], ['password'], ['password']),
  freeForm('userDefined'),
  freeForm('userDefinedOAuth'),
  fixed('pureCloudOAuthClient', ['clientId', 'clientSecret'], [], ['clientSecret']),
  fixed('amazonWebServicesARN', ['ARN'], [], []),
  fixed('salesforce', ['username', 'password', 'securityToken'], ['loginUrl'], ['password', 'securityToken']),
  fixed('msDynamics', ['username', 'password', 'orgWebAddress', 'applicationId'], [], ['password']),
  fixed('zendeskApiToken', ['userEmail', 'baseUrl', 'apiToken'], [], ['apiToken']),
  ...Object.entries(GUESSED_CREDENTIAL_TYPES).map(([name, t]) => fixed(name, [...t.required], [...t.optional], [...t.sensitive])),
];

const NO_SETTINGS: ConfigSchema = { required: [], properties: {} };

const WEB_SERVICES_PROPERTIES: ConfigSchema = {
  required: [],
  properties: {
    clientCertificateAuthority: {
      type: 'string',
      title: 'Client Certificate Authority',
      enum: CLIENT_CERTIFICATE_AUTHORITIES,
      default: 'Genesys Cloud',
    },
  },
};

interface KindSpec {
  readonly id: string;
  readonly name: string;
  readonly maxInstances: number;
  readonly slot: string;
  readonly slotRequired: boolean;
  readonly credentialTypes: readonly string[];
  readonly properties?: ConfigSchema;
}

// Ids: §1 (CONFIRMED except Google and Adobe). Limits: the admin guide (§9). Slots: §3.
const KIND_SPECS: Readonly<Record<Kind, KindSpec>> = {
  Adobe: {
    id: GUESSED_TYPE_IDS.Adobe,
    name: 'Adobe Data Actions',
    maxInstances: 10,
    slot: GUESSED_SLOT_KEYS.Adobe,
    slotRequired: true,
    credentialTypes: ['adobeJwtServiceAccount'],
  },
  AWSLambda: {
    id: 'aws-lambda-data-actions',
    name: 'AWS Lambda Data Actions',
    maxInstances: 10,
    slot: 'AmazonWebServicesARN',
    slotRequired: true,
    credentialTypes: ['amazonWebServicesARN'],
  },
  GenesysCloud: {
    id: 'purecloud-data-actions',
    name: 'Genesys Cloud Data Actions',
    maxInstances: 10,
    slot: 'pureCloudOAuthClient',
    slotRequired: true,
    credentialTypes: ['pureCloudOAuthClient'],
  },
  Google: {
    id: GUESSED_TYPE_IDS.Google,
    name: 'Google Cloud Data Actions',
    maxInstances: 100,
    slot: GUESSED_SLOT_KEYS.Google,
    slotRequired: true,
    credentialTypes: ['googleCloudPlatformServiceAccount', 'googleGSuiteServiceAccount'],
  },
  MicrosoftDynamics365: {
    id: 'microsoft-dynamics-data-actions',
    name: 'Microsoft Dynamics 365 Data Actions',
    maxInstances: 10,
    slot: 'msDynamics',
    slotRequired: true,
    credentialTypes: ['msDynamics'],
  },
  Salesforce: {
    id: 'salesforce-datadip',
    name: 'Salesforce Data Actions',
    maxInstances: 50,
    slot: 'salesforceUser',
    slotRequired: true,
    credentialTypes: ['salesforce'],
  },
  WebServices: {
    id: 'custom-rest-actions',
    name: 'Web Services Data Actions',
    maxInstances: 50,
    slot: 'basicAuth',
    slotRequired: false, // credentials are optional for web services (DESIGN.md §1)
    credentialTypes: ['basicAuth', 'userDefined', 'userDefinedOAuth'],
    properties: WEB_SERVICES_PROPERTIES,
  },
  Zendesk: {
    id: 'zendesk-data-actions',
    name: 'Zendesk Data Actions',
    maxInstances: 10,
    slot: 'zendeskApiToken',
    slotRequired: true,
    credentialTypes: ['zendeskApiToken'],
  },
};

/** The types and credential types of one emulated organization. */
export class Catalogue {
  readonly types: readonly IntegrationTypeDef[];
  readonly credentialTypes: readonly CredentialTypeDef[] = CREDENTIAL_TYPES;

  constructor(options: CatalogueOptions = {}) {
    this.types = KINDS.map((kind) => {
      const spec = KIND_SPECS[kind];
      const id = options.typeIds?.[kind] ?? options.typeIds?.[spec.id] ?? spec.id;
      return {
        kind,
        id,
        name: spec.name,
        description: `${spec.name} (emulated)`,
        defaultName: spec.name,
        maxInstances: options.installLimits?.[id] ?? options.installLimits?.[kind] ?? spec.maxInstances,
        credentials: {
          [spec.slot]: { required: spec.slotRequired, title: 'Credentials', credentialTypes: spec.credentialTypes },
        },
        propertiesSchema: spec.properties ?? NO_SETTINGS,
        advancedSchema: NO_SETTINGS,
      };
    });
  }

  findType(id: string): IntegrationTypeDef | undefined {
    return this.types.find((t) => t.id === id);
  }

  findCredentialType(name: string): CredentialTypeDef | undefined {
    return this.credentialTypes.find((t) => t.name === name);
  }
}

/** A minimal JSON-schema check of config properties: declared string fields, enums and required keys.
 * Undeclared keys pass through, as a JSON schema without additionalProperties:false allows. */
export function validateSettings(schema: ConfigSchema, value: unknown, field: ConfigSchemaKind): Record<string, unknown> {
  if (value === undefined || value === null) return validateSettings(schema, {}, field);
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${field} must be an object`, field);
  const settings = value as Record<string, unknown>;
  for (const key of schema.required) {
    if (settings[key] === undefined) throw badRequest(`${field}.${key} is required`, `${field}.${key}`);
  }
  for (const [key, property] of Object.entries(schema.properties)) {
    const given = settings[key];
    if (given === undefined) continue;
    if (typeof given !== property.type) {
      throw badRequest(`${field}.${key} must be a ${property.type}`, `${field}.${key}`);
    }
    if (property.enum !== undefined && !property.enum.includes(given as string)) {
      throw badRequest(
        `${field}.${key} value ${JSON.stringify(given)} is not one of ${property.enum.map((e) => JSON.stringify(e)).join(', ')}`,
        `${field}.${key}`,
      );
    }
  }
  return { ...settings };
}

/** The settings a new integration starts with: each property's schema default. */
export function defaultSettings(schema: ConfigSchema): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    if (property.default !== undefined) defaults[key] = property.default;
  }
  return defaults;
}
