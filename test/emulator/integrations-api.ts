// /api/v2/integrations: list, create, get, patch, delete (docs/platform-facts.md §2, §7, §9).
import type { EmulatorContext } from './context.ts';
import { badRequest, notFound } from './errors.ts';
import {
  CREATED_STATUS,
  DELETE_INTEGRATION_KEEPS_CREDENTIALS,
  LIST_EXPAND_CONFIG,
  PATCH_REJECTS_DELETED_INTENDED_STATE,
  WRITES_TO_DELETED_INTEGRATION_ARE_404,
} from './guesses.ts';
import { renderIntegration } from './integration-json.ts';
import { applyIntendedState, createIntegration, integrationTypeOf } from './integrations.ts';
import { pageOf, parsePageRequest } from './paging.ts';
import { jsonBody, ok, type ApiRequest, type Route } from './router.ts';
import { REPORTED_STATE_CODES, type StoredIntegration } from './store.ts';

const PATH = '/api/v2/integrations';
const MAX_IDS = 100;

export function findVisible(context: EmulatorContext, id: string): StoredIntegration {
  const found = context.store.visibleIntegration(id);
  if (found === undefined) throw notFound('an integration', id);
  return found;
}

/** For GET by id: what a read answers, with the read-after-write lag applied. */
export function findReadable(context: EmulatorContext, id: string): StoredIntegration {
  const found = context.store.readIntegration(id);
  if (found === undefined) throw notFound('an integration', id);
  return found;
}

export function findWritable(context: EmulatorContext, id: string): StoredIntegration {
  const found = WRITES_TO_DELETED_INTEGRATION_ARE_404 ? context.store.liveIntegration(id) : context.store.visibleIntegration(id);
  if (found === undefined) throw notFound('an integration', id);
  return found;
}

function listIntegrations(context: EmulatorContext, request: ApiRequest): unknown {
  const { query } = request;
  const page = parsePageRequest(query);
  let found = context.store.listedIntegrations(); // creation order
  const ids = query.get('ids');
  if (ids !== null && ids !== '') {
    const wanted = new Set(
      ids
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    );
    if (wanted.size > MAX_IDS) throw badRequest(`ids accepts at most ${MAX_IDS} ids`, 'ids');
    found = found.filter((i) => wanted.has(i.id));
  }
  const typeId = query.get('integrationType');
  if (typeId !== null && typeId !== '') found = found.filter((i) => i.typeId === typeId);
  const state = query.get('reportedState');
  if (state !== null && state !== '') {
    const code = state.toUpperCase();
    if (!REPORTED_STATE_CODES.some((c) => c === code)) {
      throw badRequest(`reportedState must be one of ${REPORTED_STATE_CODES.join(', ')}`, 'reportedState');
    }
    found = found.filter((i) => i.reportedState === code);
  }
  const credentialId = query.get('credentialId');
  if (credentialId !== null && credentialId !== '') {
    found = found.filter((i) => Object.values(i.credentials).includes(credentialId));
  }
  const expanded = context.store.timing.listingExpandsConfig && (query.get('expand') ?? '').split(',').includes(LIST_EXPAND_CONFIG);
  const entities = found.map((i) => {
    const rendered = renderIntegration(context, i);
    return expanded ? rendered : { ...rendered, config: { current: { id: i.id } } };
  });
  return pageOf(entities, page, PATH, query, request.listShift);
}

function createFromRequest(context: EmulatorContext, request: ApiRequest): unknown {
  const body = jsonBody(request);
  const typeRef = body.integrationType;
  const typeId = typeof typeRef === 'object' && typeRef !== null ? (typeRef as Record<string, unknown>).id : undefined;
  const type = integrationTypeOf(context, typeId);
  if (body.name !== undefined && body.name !== null && typeof body.name !== 'string') {
    throw badRequest('name must be a string', 'name');
  }
  const name = typeof body.name === 'string' ? body.name : undefined;
  const integration = createIntegration(context, type, name);
  context.store.noteCreate(integration.id);
  return renderIntegration(context, integration);
}

function patchFromRequest(context: EmulatorContext, request: ApiRequest): unknown {
  const integration = findWritable(context, request.params.id ?? '');
  const { intendedState } = jsonBody(request);
  if (intendedState === 'ENABLED' || intendedState === 'DISABLED') {
    context.store.noteIntegrationWrite(integration);
    applyIntendedState(context, integration, intendedState);
  } else if (intendedState === 'DELETED' && PATCH_REJECTS_DELETED_INTENDED_STATE) {
    throw badRequest('intendedState DELETED cannot be set; delete the integration instead', 'intendedState');
  } else if (intendedState !== undefined) {
    throw badRequest('intendedState must be ENABLED or DISABLED', 'intendedState');
  }
  return renderIntegration(context, integration);
}

function deleteFromRequest(context: EmulatorContext, request: ApiRequest): unknown {
  const integration = findWritable(context, request.params.id ?? '');
  const rendered = renderIntegration(context, integration);
  context.store.markDeleted(integration);
  if (!DELETE_INTEGRATION_KEEPS_CREDENTIALS) {
    for (const id of Object.values(integration.credentials)) context.store.credentials.delete(id);
  }
  return rendered;
}

export function integrationRoutes(context: EmulatorContext): Route[] {
  const route = (method: string, template: string, handler: (r: ApiRequest) => unknown, status = 200): Route => ({
    method,
    template,
    authenticated: true,
    handler: (r) => ok(handler(r), status),
  });
  return [
    route('GET', PATH, (r) => listIntegrations(context, r)),
    route('POST', PATH, (r) => createFromRequest(context, r), CREATED_STATUS),
    route('GET', `${PATH}/{id}`, (r) => renderIntegration(context, findReadable(context, r.params.id ?? ''))),
    route('PATCH', `${PATH}/{id}`, (r) => patchFromRequest(context, r)),
    route('DELETE', `${PATH}/{id}`, (r) => deleteFromRequest(context, r)),
  ];
}
