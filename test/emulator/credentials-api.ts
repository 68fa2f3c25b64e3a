// /api/v2/integrations/credentials: create, read (redacted), update, delete, and the listings (docs/platform-facts.md §2).
import { randomUUID } from 'node:crypto';
import type { Catalogue, CredentialTypeDef } from './catalogue.ts';
import type { EmulatorContext } from './context.ts';
import { badRequest, notFound } from './errors.ts';
import {
  CREATED_STATUS,
  DEFAULT_CREDENTIAL_LISTING_PAGE_SIZE,
  REJECT_UNDECLARED_CREDENTIAL_FIELDS,
  redactCredentialFields,
} from './guesses.ts';
import { pageOf, parsePageRequest } from './paging.ts';
import { jsonBody, ok, type ApiRequest, type Route } from './router.ts';
import type { StoredCredential } from './store.ts';
import { renderCredentialType } from './types-api.ts';

const PATH = '/api/v2/integrations/credentials';
const MAX_LISTING_PAGE_SIZE = 200;

interface CredentialInput {
  name: string;
  type: CredentialTypeDef;
  fields: Record<string, string>;
}

/** Validates `{name, type:{name}, credentialFields}`. Messages name fields, never their values. */
function credentialInputOf(catalogue: Catalogue, body: Record<string, unknown>): CredentialInput {
  if (typeof body.name !== 'string' || body.name.trim() === '') throw badRequest('name is required', 'name');
  const typeRef = body.type;
  const typeName = typeof typeRef === 'object' && typeRef !== null ? (typeRef as Record<string, unknown>).name : undefined;
  if (typeof typeName !== 'string') throw badRequest('type.name is required', 'type.name');
  const type = catalogue.findCredentialType(typeName);
  if (type === undefined) throw badRequest(`Credential type ${typeName} does not exist`, 'type.name');
  const rawFields = body.credentialFields ?? {};
  if (typeof rawFields !== 'object' || rawFields === null || Array.isArray(rawFields)) {
    throw badRequest('credentialFields must be an object', 'credentialFields');
  }
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawFields as Record<string, unknown>)) {
    if (typeof value !== 'string') throw badRequest(`credentialFields.${key} must be a string`, `credentialFields.${key}`);
    fields[key] = value;
  }
  for (const key of type.required) {
    if ((fields[key] ?? '') === '') {
      throw badRequest(`credentialFields.${key} is required for credential type ${type.name}`, `credentialFields.${key}`);
    }
  }
  if (REJECT_UNDECLARED_CREDENTIAL_FIELDS && !type.freeForm) {
    const declared = new Set([...type.required, ...type.optional]);
    const undeclared = Object.keys(fields).find((key) => !declared.has(key));
    if (undeclared !== undefined) {
      const field = `credentialFields.${undeclared}`;
      throw badRequest(`${field} is not a field of credential type ${type.name}`, field);
    }
  }
  return { name: body.name, type, fields };
}

function renderCredentialInfo(context: EmulatorContext, credential: StoredCredential): Record<string, unknown> {
  const type = context.catalogue.findCredentialType(credential.typeName);
  return {
    id: credential.id,
    name: credential.name,
    createdDate: new Date(credential.createdAt).toISOString(),
    modifiedDate: new Date(credential.modifiedAt).toISOString(),
    type: type === undefined ? { name: credential.typeName } : renderCredentialType(type),
    selfUri: `${PATH}/${credential.id}`,
  };
}

function findCredential(context: EmulatorContext, id: string): StoredCredential {
  const found = context.store.credentials.get(id);
  if (found === undefined) throw notFound('a credential', id);
  return found;
}

function createCredential(context: EmulatorContext, request: ApiRequest): unknown {
  const input = credentialInputOf(context.catalogue, jsonBody(request));
  const now = context.clock.now();
  const credential: StoredCredential = {
    id: randomUUID(),
    name: input.name,
    typeName: input.type.name,
    fields: input.fields,
    createdAt: now,
    modifiedAt: now,
  };
  context.store.credentials.set(credential.id, credential);
  context.store.noteCreate(credential.id);
  return renderCredentialInfo(context, credential);
}

function updateCredential(context: EmulatorContext, request: ApiRequest): unknown {
  const credential = findCredential(context, request.params.id ?? '');
  const input = credentialInputOf(context.catalogue, jsonBody(request));
  context.store.noteCredentialWrite(credential);
  Object.assign(credential, {
    name: input.name,
    typeName: input.type.name,
    fields: input.fields,
    modifiedAt: context.clock.now(),
  });
  return renderCredentialInfo(context, credential);
}

function readCredential(context: EmulatorContext, request: ApiRequest): unknown {
  const id = request.params.id ?? '';
  const credential = context.store.readCredential(id);
  if (credential === undefined) throw notFound('a credential', id);
  const type = context.catalogue.findCredentialType(credential.typeName);
  return {
    id: credential.id,
    name: credential.name,
    type: type === undefined ? { name: credential.typeName } : renderCredentialType(type),
    credentialFields: redactCredentialFields(credential.fields),
    selfUri: `${PATH}/${credential.id}`,
  };
}

/** Cursor listing ordered by id; `after`/`before` are ids and need not still exist. */
function listingOf(context: EmulatorContext, query: URLSearchParams): unknown {
  const rawSize = query.get('pageSize');
  const pageSize = rawSize === null || rawSize === '' ? DEFAULT_CREDENTIAL_LISTING_PAGE_SIZE : Number(rawSize);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_LISTING_PAGE_SIZE) {
    throw badRequest(`pageSize must be an integer between 1 and ${MAX_LISTING_PAGE_SIZE}`, 'pageSize');
  }
  const all = [...context.store.credentials.values()].sort((a, b) => a.id.localeCompare(b.id));
  const after = query.get('after') ?? '';
  const before = query.get('before') ?? '';
  let page: StoredCredential[];
  if (before !== '') {
    const earlier = all.filter((c) => c.id < before);
    page = earlier.slice(Math.max(0, earlier.length - pageSize));
  } else {
    page = all.filter((c) => after === '' || c.id > after).slice(0, pageSize);
  }
  const uri = (cursor: Record<string, string>): string =>
    `${PATH}/listing?${new URLSearchParams({ ...cursor, pageSize: String(pageSize) }).toString()}`;
  const first = page[0];
  const last = page.at(-1);
  const listing: Record<string, unknown> = {
    entities: page.map((c) => renderCredentialInfo(context, c)),
    selfUri: uri(before !== '' ? { before } : after !== '' ? { after } : {}),
  };
  if (last !== undefined && all.some((c) => c.id > last.id)) listing.nextUri = uri({ after: last.id });
  if (first !== undefined && all.some((c) => c.id < first.id)) listing.previousUri = uri({ before: first.id });
  return listing;
}

export function credentialRoutes(context: EmulatorContext): Route[] {
  const route = (method: string, template: string, handler: (r: ApiRequest) => unknown, status = 200): Route => ({
    method,
    template,
    authenticated: true,
    handler: (r) => ok(handler(r), status),
  });
  return [
    route('POST', PATH, (r) => createCredential(context, r), CREATED_STATUS),
    route('GET', `${PATH}/listing`, (r) => listingOf(context, r.query)),
    // Deprecated since SDK 226.0.0, still served: page-number paging.
    route('GET', PATH, (r) =>
      pageOf(
        [...context.store.credentials.values()].map((c) => renderCredentialInfo(context, c)),
        parsePageRequest(r.query),
        PATH,
        r.query,
        r.listShift,
      ),
    ),
    route('GET', `${PATH}/{id}`, (r) => readCredential(context, r)),
    route('PUT', `${PATH}/{id}`, (r) => updateCredential(context, r)),
    {
      method: 'DELETE',
      template: `${PATH}/{id}`,
      authenticated: true,
      handler: (r) => {
        const credential = findCredential(context, r.params.id ?? '');
        context.store.credentials.delete(credential.id);
        return { status: 204 };
      },
    },
  ];
}
