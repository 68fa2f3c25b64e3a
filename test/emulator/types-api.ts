// The types catalogue: integration types, their config schemas, and credential types (docs/platform-facts.md §1-§4).
import type { Catalogue, ConfigSchema, CredentialTypeDef, IntegrationTypeDef } from './catalogue.ts';
import { notFound } from './errors.ts';
import { pageOf, parsePageRequest } from './paging.ts';
import { ok, type Route } from './router.ts';

const TYPES_PATH = '/api/v2/integrations/types';

export function renderIntegrationType(type: IntegrationTypeDef): Record<string, unknown> {
  const selfUri = `${TYPES_PATH}/${type.id}`;
  return {
    id: type.id,
    name: type.name,
    description: type.description,
    provider: 'genesys',
    category: 'Data Actions',
    images: [],
    configPropertiesSchemaUri: `${selfUri}/configschemas/properties`,
    configAdvancedSchemaUri: `${selfUri}/configschemas/advanced`,
    helpUri: 'https://help.mypurecloud.com/articles/add-a-data-actions-integration/',
    credentials: structuredClone(type.credentials),
    nonInstallable: false,
    maxInstances: type.maxInstances,
    userPermissions: [],
    vendorOAuthClientIds: [],
    selfUri,
  };
}

export function renderCredentialType(type: CredentialTypeDef): Record<string, unknown> {
  const fields = [...type.required, ...type.optional];
  return {
    id: type.name,
    name: type.name,
    properties: Object.fromEntries(
      fields.map((field) => [field, { type: 'string', title: field, sensitive: type.sensitive.includes(field) }]),
    ),
    displayOrder: fields,
    required: [...type.required],
  };
}

function renderSchema(type: IntegrationTypeDef, kind: 'properties' | 'advanced', schema: ConfigSchema): Record<string, unknown> {
  return {
    id: `${type.id}-${kind}`,
    $schema: 'http://json-schema.org/draft-04/schema#',
    title: `${type.name} ${kind}`,
    description: `The ${kind} of a ${type.name} integration`,
    type: 'object',
    required: [...schema.required],
    properties: structuredClone(schema.properties),
  };
}

export function typeRoutes(catalogue: Catalogue): Route[] {
  const typeOf = (id: string): IntegrationTypeDef => {
    const type = catalogue.findType(id);
    if (type === undefined) throw notFound('an integration type', id);
    return type;
  };
  return [
    {
      method: 'GET',
      template: TYPES_PATH,
      authenticated: true,
      handler: (r) => ok(pageOf(catalogue.types.map(renderIntegrationType), parsePageRequest(r.query), TYPES_PATH, r.query)),
    },
    {
      method: 'GET',
      template: `${TYPES_PATH}/{id}`,
      authenticated: true,
      handler: (r) => ok(renderIntegrationType(typeOf(r.params.id ?? ''))),
    },
    {
      method: 'GET',
      template: `${TYPES_PATH}/{id}/configschemas/{configType}`,
      authenticated: true,
      handler: (r) => {
        const type = typeOf(r.params.id ?? '');
        const kind = r.params.configType;
        if (kind === 'properties') return ok(renderSchema(type, kind, type.propertiesSchema));
        if (kind === 'advanced') return ok(renderSchema(type, kind, type.advancedSchema));
        throw notFound('a config schema', kind ?? '');
      },
    },
    {
      // A bare array since SDK 250.0.0 (§2).
      method: 'GET',
      template: '/api/v2/integrations/credentials/types',
      authenticated: true,
      handler: () => ok(catalogue.credentialTypes.map(renderCredentialType)),
    },
  ];
}
