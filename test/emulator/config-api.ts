// /api/v2/integrations/{id}/config/current: name, notes, properties, advanced and credential links,
// guarded by an optimistic `version` (docs/platform-facts.md §2).
import { validateSettings, type IntegrationTypeDef } from './catalogue.ts';
import type { EmulatorContext } from './context.ts';
import { badRequest } from './errors.ts';
import { REJECT_CREDENTIAL_OF_WRONG_TYPE, versionMismatch } from './guesses.ts';
import { renderConfig } from './integration-json.ts';
import { findReadable, findWritable } from './integrations-api.ts';
import { storedNotes } from './integrations.ts';
import { jsonBody, ok, type ApiRequest, type Route } from './router.ts';

const PATH = '/api/v2/integrations/{id}/config/current';

/** Checks `credentials: {slot: {id}}` against the type's slots and the stored credentials. */
export function validateCredentialLinks(context: EmulatorContext, type: IntegrationTypeDef, links: unknown): Record<string, string> {
  if (links === undefined || links === null) return {};
  if (typeof links !== 'object' || Array.isArray(links)) throw badRequest('credentials must be an object', 'credentials');
  const result: Record<string, string> = {};
  for (const [slot, link] of Object.entries(links as Record<string, unknown>)) {
    const spec = type.credentials[slot];
    if (spec === undefined) {
      throw badRequest(
        `Integration type ${type.id} has no credential ${slot}; expected one of ${Object.keys(type.credentials).join(', ')}`,
        `credentials.${slot}`,
      );
    }
    const id = typeof link === 'object' && link !== null ? (link as Record<string, unknown>).id : undefined;
    if (typeof id !== 'string' || id === '') throw badRequest(`credentials.${slot}.id is required`, `credentials.${slot}.id`);
    const credential = context.store.credentials.get(id);
    if (credential === undefined) throw badRequest(`Credential ${id} does not exist`, `credentials.${slot}.id`);
    if (REJECT_CREDENTIAL_OF_WRONG_TYPE && !spec.credentialTypes.includes(credential.typeName)) {
      throw badRequest(
        `Credential ${id} is of type ${credential.typeName}; ${slot} accepts ${spec.credentialTypes.join(', ')}`,
        `credentials.${slot}.id`,
      );
    }
    result[slot] = id;
  }
  return result;
}

function putConfig(context: EmulatorContext, request: ApiRequest): unknown {
  const integration = findWritable(context, request.params.id ?? '');
  const body = jsonBody(request);
  if (body.version === undefined || body.version === null) {
    throw badRequest('Version number is required for updates', 'version');
  }
  if (typeof body.version !== 'number') throw badRequest('version must be a number', 'version');
  if (body.version !== integration.version) throw versionMismatch(body.version, integration.version);
  if (typeof body.name !== 'string' || body.name.trim() === '') throw badRequest('name is required', 'name');
  const type = context.catalogue.findType(integration.typeId);
  if (type === undefined) throw badRequest(`Integration type ${integration.typeId} does not exist`);
  // Validate everything before changing anything.
  const notes = storedNotes(body.notes);
  const properties = validateSettings(type.propertiesSchema, body.properties, 'properties');
  const advanced = validateSettings(type.advancedSchema, body.advanced, 'advanced');
  const credentials = validateCredentialLinks(context, type, body.credentials);
  context.store.noteIntegrationWrite(integration);
  Object.assign(integration, { name: body.name, notes, properties, advanced, credentials, version: integration.version + 1 });
  return renderConfig(context, integration);
}

export function configRoutes(context: EmulatorContext): Route[] {
  return [
    {
      method: 'GET',
      template: PATH,
      authenticated: true,
      handler: (r) => ok(renderConfig(context, findReadable(context, r.params.id ?? ''))),
    },
    { method: 'PUT', template: PATH, authenticated: true, handler: (r) => ok(putConfig(context, r)) },
  ];
}
