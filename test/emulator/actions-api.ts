// /api/v2/integrations/actions: create, get, list, patch, delete, drafts (create, get, patch, delete,
// validation, publish) and test (docs/platform-facts.md §11). The guesses are in action-guesses.ts.
import { randomUUID } from 'node:crypto';
import {
  ACTIONS_PAGE_SIZE_DEFAULT,
  ACTION_NAMES_UNIQUE_PER_INTEGRATION,
  DRAFT_EXISTS_STATUS,
  PUBLISH_BUMPS_VERSION_BY,
  STALE_VERSION_STATUS,
} from './action-guesses.ts';
import { objectOr, requireName, validateAction, type ActionFields } from './action-rules.ts';
import { runTest } from './action-test.ts';
import type { EmulatorContext } from './context.ts';
import { badRequest, notFound, PlatformError } from './errors.ts';
import { pageOf, parsePageRequest } from './paging.ts';
import { jsonBody, ok, type ApiRequest, type Route } from './router.ts';

const PATH = '/api/v2/integrations/actions';

export interface StoredAction extends ActionFields {
  readonly id: string;
  readonly integrationId: string;
  /** When listings start to show it: `listLagMs` after an API create, as for integrations. */
  readonly listedFrom?: number;
  version: number;
  draft?: (ActionFields & { version: number }) | undefined;
}

/** The actions of one emulated organization, kept beside its store (one per context). */
const actionStores = new WeakMap<EmulatorContext, Map<string, StoredAction>>();

/**
 * Read-after-write lag of GET action by id, with the store's `readAfterWriteLagMs`, as for integrations:
 * 404 within the lag of an API create (kept by the store), the published version before a PATCH or a publish
 * within the lag of it (kept here, by action id).
 */
type StaleReads = Map<string, { readonly record: StoredAction; readonly until: number }>;
const staleReads = new WeakMap<EmulatorContext, StaleReads>();

function staleReadsOf(context: EmulatorContext): StaleReads {
  let stale = staleReads.get(context);
  if (stale === undefined) {
    stale = new Map();
    staleReads.set(context, stale);
  }
  return stale;
}

/** Called just before a write changes the published action: GET by id keeps the old version for a while. */
function noteWrite(context: EmulatorContext, action: StoredAction): void {
  const lagMs = context.store.timing.readAfterWriteLagMs;
  const now = context.clock.now();
  const stale = staleReadsOf(context);
  if (lagMs <= 0 || (stale.get(action.id)?.until ?? 0) > now) return;
  stale.set(action.id, { record: structuredClone(action), until: now + lagMs });
}

export function actionsOf(context: EmulatorContext): Map<string, StoredAction> {
  let actions = actionStores.get(context);
  if (actions === undefined) {
    actions = new Map();
    actionStores.set(context, actions);
  }
  // An action lives as long as its integration (the Terraform provider counts a 404 on delete as
  // "the parent integration was deleted"): actions of a deleted integration are gone.
  for (const [id, action] of actions) if (context.store.liveIntegration(action.integrationId) === undefined) actions.delete(id);
  return actions;
}

function findAction(context: EmulatorContext, id: string): StoredAction {
  const found = actionsOf(context).get(id);
  if (found === undefined) throw notFound('an action', id);
  return found;
}

/** What GET by id answers: 404 right after an API create, the version before the last write while its lag lasts, else the action. */
function readAction(context: EmulatorContext, id: string): StoredAction {
  if (context.store.readLagsCreate(id)) throw notFound('an action', id);
  const found = findAction(context, id);
  const old = staleReadsOf(context).get(id);
  return old !== undefined && old.until > context.clock.now() ? old.record : found;
}

function findDraft(context: EmulatorContext, id: string): StoredAction & { draft: NonNullable<StoredAction['draft']> } {
  const action = findAction(context, id);
  if (action.draft === undefined) throw notFound('a draft of action', id);
  return action as StoredAction & { draft: NonNullable<StoredAction['draft']> };
}

function readDraft(context: EmulatorContext, id: string): StoredAction & { draft: NonNullable<StoredAction['draft']> } {
  readAction(context, id);
  return findDraft(context, id);
}

/** The Action model; the contract with expand=contract, the config with includeConfig=true. */
function render(context: EmulatorContext, id: string, fields: ActionFields & { version: number }, query: URLSearchParams): unknown {
  const action = findAction(context, id);
  return {
    id,
    name: fields.name,
    integrationId: action.integrationId,
    category: fields.category,
    ...(query.get('expand')?.split(',').includes('contract') === true ? { contract: fields.contract } : {}),
    version: fields.version,
    secure: fields.secure,
    ...(query.get('includeConfig') === 'true' ? { config: fields.config } : {}),
    selfUri: `${PATH}/${id}`,
  };
}

const everything = new URLSearchParams('expand=contract&includeConfig=true');

function nameTaken(context: EmulatorContext, integrationId: string, name: string, exceptId: string | undefined): void {
  if (!ACTION_NAMES_UNIQUE_PER_INTEGRATION) return;
  const other = [...actionsOf(context).values()].find((a) => a.integrationId === integrationId && a.name === name && a.id !== exceptId);
  if (other !== undefined) throw badRequest(`An action named "${name}" already exists on integration ${integrationId}`, 'name');
}

function fieldsFrom(body: Record<string, unknown>, base: ActionFields | undefined): ActionFields {
  return {
    name: body.name === undefined && base !== undefined ? base.name : requireName(body.name, 'name'),
    category: body.category === undefined && base !== undefined ? base.category : requireName(body.category, 'category'),
    secure: typeof body.secure === 'boolean' ? body.secure : (base?.secure ?? false),
    contract: objectOr(body.contract, 'contract', base?.contract ?? {}),
    config: objectOr(body.config, 'config', base?.config ?? {}),
  };
}

function create(context: EmulatorContext, request: ApiRequest): unknown {
  const body = jsonBody(request);
  const integrationId = typeof body.integrationId === 'string' ? body.integrationId : '';
  if (integrationId === '' || context.store.liveIntegration(integrationId) === undefined) {
    throw badRequest(`integrationId ${integrationId || '(none)'} is not an integration of the organization`, 'integrationId');
  }
  const fields = fieldsFrom(body, undefined);
  if (body.contract === undefined) throw badRequest('contract is required', 'contract');
  const problems = validateAction(fields);
  if (problems.length > 0) throw badRequest(problems.map((p) => p.message).join('; '), 'contract');
  nameTaken(context, integrationId, fields.name, undefined);
  const listedFrom = context.clock.now() + context.store.timing.listLagMs;
  const action: StoredAction = { id: randomUUID(), integrationId, listedFrom, version: 1, ...fields };
  actionsOf(context).set(action.id, action);
  context.store.noteCreate(action.id);
  return render(context, action.id, action, everything);
}

function list(context: EmulatorContext, request: ApiRequest): unknown {
  const { query } = request;
  const page = parsePageRequest(query, ACTIONS_PAGE_SIZE_DEFAULT);
  const now = context.clock.now();
  let found = [...actionsOf(context).values()].filter((a) => (a.listedFrom ?? 0) <= now);
  const filters: Array<[string, (a: StoredAction, value: string) => boolean]> = [
    ['category', (a, v) => a.category === v],
    ['name', (a, v) => a.name === v],
    ['secure', (a, v) => String(a.secure) === v],
    ['integrationId', (a, v) => a.integrationId === v],
    ['ids', (a, v) => v.split(',').includes(a.id)],
  ];
  for (const [key, accepts] of filters) {
    const value = query.get(key);
    if (value !== null && value !== '') found = found.filter((a) => accepts(a, value));
  }
  return pageOf(
    found.map((a) => render(context, a.id, a, query)),
    page,
    PATH,
    query,
    request.listShift,
  );
}

function requireVersion(given: unknown, current: number, what: string): void {
  if (typeof given !== 'number') throw badRequest('version is required', 'version');
  if (given !== current) {
    throw new PlatformError(STALE_VERSION_STATUS, 'conflict', `The ${what} is at version ${current}, not ${given}`, {
      details: [{ errorCode: 'version.mismatch', fieldName: 'version' }],
    });
  }
}

function patch(context: EmulatorContext, request: ApiRequest): unknown {
  const action = findAction(context, request.params.id ?? '');
  const body = jsonBody(request);
  requireVersion(body.version, action.version, 'action');
  const fields = fieldsFrom({ ...body, contract: undefined, secure: undefined }, action);
  nameTaken(context, action.integrationId, fields.name, action.id);
  noteWrite(context, action);
  Object.assign(action, fields, { version: action.version + 1 });
  return render(context, action.id, action, everything);
}

function remove(context: EmulatorContext, request: ApiRequest): void {
  const action = findAction(context, request.params.id ?? '');
  actionsOf(context).delete(action.id);
}

/**
 * GET .../templates/{fileName}: the published action's request or success template, as the Terraform provider
 * reads them after each create and read (`requesttemplate.vm`, `successtemplate.vm`, SDK
 * `getIntegrationsActionTemplate`). The platform answers the raw text; here it is a JSON string, which is all
 * a count of calls needs.
 */
function template(context: EmulatorContext, request: ApiRequest): string {
  const action = findAction(context, request.params.id ?? '');
  const config = action.config as { request?: { requestTemplate?: unknown }; response?: { successTemplate?: unknown } };
  const fileName = request.params.fileName ?? '';
  if (fileName !== 'requesttemplate.vm' && fileName !== 'successtemplate.vm') throw notFound('a template', fileName);
  const text = fileName === 'requesttemplate.vm' ? config.request?.requestTemplate : config.response?.successTemplate;
  return typeof text === 'string' ? text : '';
}

function createDraft(context: EmulatorContext, request: ApiRequest): unknown {
  const action = findAction(context, request.params.id ?? '');
  if (action.draft !== undefined) {
    throw new PlatformError(DRAFT_EXISTS_STATUS, 'conflict', `Action ${action.id} already has a draft`);
  }
  const { name, category, secure, contract, config } = action;
  action.draft = { name, category, secure, contract: structuredClone(contract), config: structuredClone(config), version: 1 };
  return render(context, action.id, action.draft, everything);
}

function patchDraft(context: EmulatorContext, request: ApiRequest): unknown {
  const action = findDraft(context, request.params.id ?? '');
  const body = jsonBody(request);
  requireVersion(body.version, action.draft.version, 'draft');
  const fields = fieldsFrom(body, action.draft);
  nameTaken(context, action.integrationId, fields.name, action.id);
  action.draft = { ...fields, version: action.draft.version + 1 };
  return render(context, action.id, action.draft, everything);
}

function publish(context: EmulatorContext, request: ApiRequest): unknown {
  const action = findDraft(context, request.params.id ?? '');
  requireVersion(jsonBody(request).version, action.draft.version, 'draft');
  const problems = validateAction(action.draft);
  if (problems.length > 0) throw badRequest(`The draft is not valid: ${problems.map((p) => p.message).join('; ')}`);
  nameTaken(context, action.integrationId, action.draft.name, action.id);
  const stored = findAction(context, action.id);
  noteWrite(context, stored);
  const { name, category, secure, contract, config } = action.draft;
  Object.assign(stored, { name, category, secure, contract, config, version: stored.version + PUBLISH_BUMPS_VERSION_BY });
  stored.draft = undefined;
  return render(context, stored.id, stored, everything);
}

/** The test call: it may send the rendered request to a loopback server, so it answers once that one has. */
function testRoute(template: string, fieldsOf: (r: ApiRequest) => ActionFields): Route {
  return {
    method: 'POST',
    template,
    authenticated: true,
    handler: async (r) => {
      const fields = fieldsOf(r);
      return ok(await runTest(fields, jsonBody(r)));
    },
  };
}

export function actionRoutes(context: EmulatorContext): Route[] {
  const route = (method: string, template: string, handler: (r: ApiRequest) => unknown, status = 200): Route => ({
    method,
    template,
    authenticated: true,
    handler: (r) => (status === 204 ? (handler(r), { status }) : ok(handler(r), status)),
  });
  const draftOf = (r: ApiRequest): StoredAction & { draft: NonNullable<StoredAction['draft']> } => findDraft(context, r.params.id ?? '');
  return [
    route('GET', PATH, (r) => list(context, r)),
    route('POST', PATH, (r) => create(context, r)),
    route('GET', `${PATH}/{id}`, (r) => render(context, r.params.id ?? '', readAction(context, r.params.id ?? ''), r.query)),
    route('PATCH', `${PATH}/{id}`, (r) => patch(context, r)),
    route('GET', `${PATH}/{id}/templates/{fileName}`, (r) => template(context, r)),
    route('DELETE', `${PATH}/{id}`, (r) => remove(context, r), 204),
    route('POST', `${PATH}/{id}/draft`, (r) => createDraft(context, r)),
    route('GET', `${PATH}/{id}/draft`, (r) => render(context, r.params.id ?? '', readDraft(context, r.params.id ?? '').draft, r.query)),
    route('PATCH', `${PATH}/{id}/draft`, (r) => patchDraft(context, r)),
    route('DELETE', `${PATH}/{id}/draft`, (r) => (findAction(context, draftOf(r).id).draft = undefined), 204),
    route('GET', `${PATH}/{id}/draft/validation`, (r) => {
      const errors = validateAction(draftOf(r).draft);
      return { valid: errors.length === 0, errors };
    }),
    route('POST', `${PATH}/{id}/draft/publish`, (r) => publish(context, r)),
    testRoute(`${PATH}/{id}/test`, (r) => findAction(context, r.params.id ?? '')),
    testRoute(`${PATH}/{id}/draft/test`, (r) => draftOf(r).draft),
  ];
}
