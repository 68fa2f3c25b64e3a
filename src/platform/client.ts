import { TokenSource, trimSlash } from './auth.ts';
import { RequestBudget } from './budget.ts';
import { systemClock } from './clock.ts';
import type { Clock } from './clock.ts';
import { isPlatformError, PlatformError } from './errors.ts';
import { readAllPages } from './paging.ts';
import type { PlatformEndpoints } from './regions.ts';
import { parseJson, readAs } from './response.ts';
import { backoffDelayMs, DEFAULT_RETRY_POLICY } from './retry-policy.ts';
import type { RetryPolicy } from './retry-policy.ts';
import {
  credentialInfoSchema,
  credentialTypeSchema,
  credentialWithFieldsSchema,
  cursorPageSchema,
  integrationConfigSchema,
  integrationSchema,
  integrationTypeSchema,
  organizationSchema,
} from './schemas.ts';
import type {
  Credential,
  CredentialInfo,
  CredentialType,
  IntegrationConfig,
  IntegrationConfigUpdate,
  IntegrationType,
  IntendedState,
  Integration,
  Organization,
} from './schemas.ts';
import { StatsRecorder } from './stats.ts';
import type { CallObservation, ClientStats, HttpMethod } from './stats.ts';
import { Transport } from './transport.ts';
import { LIST_EXPAND_CONFIG, LIST_PAGE_SIZE_MAX, ORGANIZATION_PATH } from './unconfirmed.ts';

export interface PlatformClientOptions {
  readonly endpoints: PlatformEndpoints;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The budget of every request made for this client, logins and retries included; default 300. */
  readonly requestsPerMinute?: number | undefined;
  /** Slots the budget may spend at once after a quiet spell; default one second's worth of the rate. */
  readonly burst?: number | undefined;
  /**
   * A budget shared with other clients of the same OAuth client (see createRequestBudget); when given,
   * requestsPerMinute and burst are the shared budget's business.
   */
  readonly budget?: RequestBudget | undefined;
  /** Per HTTP attempt; default 20 s. */
  readonly requestTimeoutMs?: number | undefined;
  readonly fetch?: typeof fetch | undefined;
  /** A fake clock for tests; give `sleep` with it, so waits advance the same clock. */
  readonly now?: (() => number) | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  readonly observe?: ((o: CallObservation) => void) | undefined;
  readonly retryPolicy?: Partial<RetryPolicy> | undefined;
  /** Config PUTs tried before a version conflict is reported; default 5. */
  readonly maxConfigAttempts?: number | undefined;
}

export interface CreateIntegrationRequest {
  readonly integrationTypeId: string;
  readonly name?: string | undefined;
}

/** For a create call, which is never repeated blindly. */
export interface CreateOptions {
  /**
   * The call must leave within this long (budget waits and 429 retries included), else it fails with
   * `NotSent` without being sent: the caller's grace period for finding what it created then holds.
   */
  readonly sendWithinMs?: number | undefined;
}

export interface CredentialRequest {
  readonly name: string;
  /** The credential type's name, e.g. `basicAuth` (docs/platform-facts.md §2). */
  readonly typeName: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface ListIntegrationsFilter {
  readonly integrationType?: string | undefined;
  /** Only these integrations (asked for in batches of LIST_IDS_MAX). */
  readonly ids?: readonly string[] | undefined;
  /**
   * Ask for each entry's config.current (LIST_EXPAND_CONFIG); whether the platform honours it is unconfirmed,
   * so read the answer with configOf.
   */
  readonly expandConfig?: boolean | undefined;
}

export interface PlatformClient {
  getOrganization(): Promise<Organization>;
  listIntegrationTypes(): Promise<IntegrationType[]>;
  listCredentialTypes(): Promise<CredentialType[]>;
  listIntegrations(filter?: ListIntegrationsFilter): Promise<Integration[]>;
  getIntegration(id: string): Promise<Integration>;
  /**
   * Never repeated blindly: an unanswered create, or one answered 2xx with a body that cannot be read,
   * fails with `UnknownOutcome` (it may exist).
   */
  createIntegration(req: CreateIntegrationRequest, options?: CreateOptions): Promise<Integration>;
  setIntendedState(id: string, state: IntendedState): Promise<Integration>;
  /** A 404 is a `NotFound` error; the caller decides that it means done. */
  deleteIntegration(id: string): Promise<void>;
  getConfig(id: string): Promise<IntegrationConfig>;
  /**
   * Reads the config, applies `change` and writes it with the version read, again on a version conflict
   * (a fresh read each time). When `change` returns what is already there, nothing is written.
   */
  updateConfig(
    id: string,
    change: (current: IntegrationConfig) => IntegrationConfigUpdate,
    known?: IntegrationConfig,
  ): Promise<IntegrationConfig>;
  /** Never repeated blindly: as createIntegration. */
  createCredential(req: CredentialRequest, options?: CreateOptions): Promise<CredentialInfo>;
  updateCredential(id: string, req: CredentialRequest): Promise<CredentialInfo>;
  /** Field names only: the values never leave the client. */
  getCredential(id: string): Promise<Credential>;
  /** All credentials of the org (cursor listing), e.g. to find one whose create went unanswered. */
  listCredentials(): Promise<CredentialInfo[]>;
  /** A 404 is a `NotFound` error; the caller decides that it means done. */
  deleteCredential(id: string): Promise<void>;
  stats(): ClientStats;
}

export interface CallOptions {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
  readonly repeatable?: boolean;
  readonly secrets?: readonly string[];
  /** Epoch ms (client clock) after which the call is not sent at all. */
  readonly sendBy?: number | undefined;
  /** How long to wait for the answer, when the client's usual timeout is too short for this call. */
  readonly timeoutMs?: number | undefined;
}

const DEFAULT_REQUESTS_PER_MINUTE = 300;
const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_CONFIG_ATTEMPTS = 5;
// The largest page the developer center documents (an unconfirmed bound, see unconfirmed.ts): the fewer
// pages a listing takes, the fewer chances it has to shift while it is read (see paging.ts).
const PAGE_SIZE = LIST_PAGE_SIZE_MAX;
// `ids` takes up to 100 ids per request (the SDK's IntegrationsApi.getIntegrations doc).
const LIST_IDS_MAX = 100;
// The credentials listing allows up to 200 per page (docs/platform-facts.md §2 "Credentials").
const CREDENTIALS_PAGE_SIZE = 200;
const MAX_CURSOR_PAGES = 1_000;

type BudgetOptions = Pick<PlatformClientOptions, 'requestsPerMinute' | 'burst' | 'now' | 'sleep'>;

function clockOf(options: BudgetOptions): Clock {
  return {
    now: options.now ?? ((): number => systemClock.now()),
    sleep: options.sleep ?? ((ms: number): Promise<void> => systemClock.sleep(ms)),
  };
}

/** A request budget, to share among the clients of one OAuth client (the platform counts per client). */
export function createRequestBudget(options: BudgetOptions): RequestBudget {
  return new RequestBudget({
    requestsPerMinute: options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
    ...(options.burst === undefined ? {} : { burst: options.burst }),
    clock: clockOf(options),
  });
}

export function createPlatformClient(options: PlatformClientOptions): PlatformClient {
  const caller = connect(options);
  return {
    ...organizationCalls(caller),
    ...integrationCalls(caller),
    ...configCalls(caller),
    ...credentialCalls(caller),
    stats: () => caller.stats.snapshot(),
  };
}

/**
 * What every group of calls shares: one transport, one token source, one clock. The one authorised call of
 * this package: the actions client (actions-client.ts) makes its calls through it too.
 */
export interface Caller {
  readonly clock: Clock;
  readonly retry: RetryPolicy;
  readonly stats: StatsRecorder;
  readonly maxConfigAttempts: number;
  readonly call: (method: HttpMethod, route: string, opts?: CallOptions) => Promise<unknown>;
  /** The epoch ms a create must leave by, from its options. */
  readonly sendByOf: (options: CreateOptions | undefined) => number | undefined;
}

export function connect(options: PlatformClientOptions): Caller {
  const clock = clockOf(options);
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retryPolicy };
  const stats = new StatsRecorder();
  const transport = new Transport({
    fetch: options.fetch ?? globalThis.fetch,
    clock,
    budget: options.budget ?? createRequestBudget(options),
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry,
    stats,
    ...(options.observe === undefined ? {} : { observe: options.observe }),
  });
  const tokens = new TokenSource({
    transport,
    loginBaseUrl: options.endpoints.loginBaseUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    clock,
    stats,
  });
  const apiBaseUrl = trimSlash(options.endpoints.apiBaseUrl);
  return {
    clock,
    retry,
    stats,
    maxConfigAttempts: Math.max(1, options.maxConfigAttempts ?? DEFAULT_CONFIG_ATTEMPTS),
    call: (method, route, opts = {}) => callApi(transport, tokens, apiBaseUrl, method, route, opts),
    sendByOf: (create) => (create?.sendWithinMs === undefined ? undefined : clock.now() + create.sendWithinMs),
  };
}

async function callApi(
  transport: Transport,
  tokens: TokenSource,
  apiBaseUrl: string,
  method: HttpMethod,
  route: string,
  opts: CallOptions,
): Promise<unknown> {
  const url = new URL(apiBaseUrl + fillRoute(route, opts.params ?? {}));
  for (const [key, value] of Object.entries(opts.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  let usedToken = '';
  const response = await transport.send({
    method,
    url: url.toString(),
    route,
    headers: async () => {
      usedToken = await tokens.token();
      return {
        authorization: `Bearer ${usedToken}`,
        accept: 'application/json',
        ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      };
    },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    repeatable: opts.repeatable ?? method !== 'POST',
    onUnauthorized: () => tokens.invalidate(usedToken),
    ...(opts.secrets === undefined ? {} : { secrets: opts.secrets }),
    ...(opts.sendBy === undefined ? {} : { sendBy: opts.sendBy }),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  });
  return parseJson(response.text);
}

const readIntegration = (value: unknown): Integration => readAs(integrationSchema, value, 'integration');

function organizationCalls({ call }: Caller): Pick<PlatformClient, 'getOrganization' | 'listIntegrationTypes' | 'listCredentialTypes'> {
  return {
    async getOrganization() {
      return readAs(organizationSchema, await call('GET', ORGANIZATION_PATH), 'organization');
    },

    async listIntegrationTypes() {
      return readAllPages(
        (pageNumber) => call('GET', '/api/v2/integrations/types', { query: { pageSize: PAGE_SIZE, pageNumber } }),
        (value) => readAs(integrationTypeSchema, value, 'integration type'),
        'integration types',
      );
    },

    async listCredentialTypes() {
      const body = await call('GET', '/api/v2/integrations/credentials/types');
      // A bare array since SDK 250.0.0, an {entities} envelope before (docs/platform-facts.md §2).
      const list = Array.isArray(body) ? body : readAs(cursorPageSchema, body, 'credential types').entities;
      return list.map((value) => readAs(credentialTypeSchema, value, 'credential type'));
    },
  };
}

type IntegrationCalls = Pick<
  PlatformClient,
  'listIntegrations' | 'getIntegration' | 'createIntegration' | 'setIntendedState' | 'deleteIntegration'
>;

function integrationCalls({ call, sendByOf }: Caller): IntegrationCalls {
  const listPass = (filter: ListIntegrationsFilter, ids: readonly string[] | undefined): Promise<Integration[]> =>
    readAllPages(
      (pageNumber) =>
        call('GET', '/api/v2/integrations', {
          query: {
            pageSize: PAGE_SIZE,
            pageNumber,
            integrationType: filter.integrationType,
            ids: ids?.join(','),
            expand: filter.expandConfig === true ? LIST_EXPAND_CONFIG : undefined,
          },
        }),
      readIntegration,
      'integrations',
    );
  return {
    async listIntegrations(filter = {}) {
      const wanted = filter.ids === undefined ? undefined : [...new Set(filter.ids)];
      const batches = wanted === undefined ? [undefined] : chunks(wanted, LIST_IDS_MAX);
      const all: Integration[] = [];
      for (const ids of batches) all.push(...(await listPass(filter, ids)));
      // The filters are recent (SDK 232.0.0): an org that ignores them must not widen the answer.
      const keep = wanted === undefined ? undefined : new Set(wanted);
      return all.filter(
        (i) =>
          (filter.integrationType === undefined || i.integrationType.id === filter.integrationType) &&
          (keep === undefined || keep.has(i.id)),
      );
    },

    async getIntegration(id) {
      return readIntegration(await call('GET', '/api/v2/integrations/{id}', { params: { id } }));
    },

    async createIntegration(req, options) {
      const body = await call('POST', '/api/v2/integrations', {
        body: { ...(req.name === undefined ? {} : { name: req.name }), integrationType: { id: req.integrationTypeId } },
        sendBy: sendByOf(options),
      });
      return readCreated(() => readIntegration(body));
    },

    async setIntendedState(id, state) {
      const body = await call('PATCH', '/api/v2/integrations/{id}', { params: { id }, body: { intendedState: state } });
      return readIntegration(body);
    },

    async deleteIntegration(id) {
      await call('DELETE', '/api/v2/integrations/{id}', { params: { id } });
    },
  };
}

function configCalls(caller: Caller): Pick<PlatformClient, 'getConfig' | 'updateConfig'> {
  const { call, clock, retry, maxConfigAttempts } = caller;
  async function getConfig(id: string): Promise<IntegrationConfig> {
    const body = await call('GET', '/api/v2/integrations/{id}/config/current', { params: { id } });
    return readAs(integrationConfigSchema, body, `config of integration ${id}`);
  }
  async function putConfig(id: string, version: number, desired: IntegrationConfigUpdate): Promise<IntegrationConfig> {
    const { name, properties, advanced, notes, credentials } = desired;
    const body = await call('PUT', '/api/v2/integrations/{id}/config/current', {
      params: { id },
      body: { name, version, properties, advanced, notes, credentials },
    });
    return body === undefined ? await getConfig(id) : readAs(integrationConfigSchema, body, `config of integration ${id}`);
  }
  return {
    getConfig,
    async updateConfig(id, change, known) {
      for (let attempt = 1; ; attempt += 1) {
        // A config the caller read a moment ago saves a GET; a version conflict means it was stale, and
        // every retry reads afresh.
        const current = attempt === 1 && known !== undefined ? known : await getConfig(id);
        const desired = change(current);
        if (sameConfig(current, desired)) return current;
        try {
          return await putConfig(id, current.version, desired);
        } catch (e) {
          if (!isPlatformError(e) || e.code !== 'Conflict') throw e;
          if (attempt >= maxConfigAttempts) throw gaveUp(id, attempt, e);
          // Someone else is writing: let them finish before reading again.
          await clock.sleep(backoffDelayMs(attempt, { ...retry, baseDelayMs: Math.min(retry.baseDelayMs, 200) }));
        }
      }
    },
  };
}

function gaveUp(id: string, attempts: number, e: PlatformError): PlatformError {
  return new PlatformError('Conflict', `Config of integration ${id} kept changing: gave up after ${attempts} attempts (${e.message})`, {
    ...(e.status === undefined ? {} : { status: e.status }),
    ...(e.contextId === undefined ? {} : { contextId: e.contextId }),
    ...(e.platformCode === undefined ? {} : { platformCode: e.platformCode }),
  });
}

type CredentialCalls = Pick<
  PlatformClient,
  'createCredential' | 'updateCredential' | 'getCredential' | 'listCredentials' | 'deleteCredential'
>;

function credentialCalls({ call, sendByOf }: Caller): CredentialCalls {
  async function writeCredential(method: 'POST' | 'PUT', id: string | undefined, req: CredentialRequest, sendBy?: number) {
    const body = await call(method, id === undefined ? '/api/v2/integrations/credentials' : '/api/v2/integrations/credentials/{id}', {
      ...(id === undefined ? {} : { params: { id } }),
      body: { name: req.name, type: { name: req.typeName }, credentialFields: req.fields },
      secrets: Object.values(req.fields),
      sendBy,
    });
    return method === 'POST'
      ? readCreated(() => readAs(credentialInfoSchema, body, 'credential'))
      : readAs(credentialInfoSchema, body, 'credential');
  }
  return {
    async createCredential(req, options) {
      return writeCredential('POST', undefined, req, sendByOf(options));
    },

    async updateCredential(id, req) {
      return writeCredential('PUT', id, req);
    },

    async getCredential(id) {
      const body = await call('GET', '/api/v2/integrations/credentials/{id}', { params: { id } });
      const { credentialFields, ...info } = readAs(credentialWithFieldsSchema, body, `credential ${id}`);
      return { ...info, credentialFieldNames: Object.keys(credentialFields ?? {}) };
    },

    listCredentials: () => listCredentialPages(call),

    async deleteCredential(id) {
      await call('DELETE', '/api/v2/integrations/credentials/{id}', { params: { id } });
    },
  };
}

async function listCredentialPages(call: Caller['call']): Promise<CredentialInfo[]> {
  const byId = new Map<string, CredentialInfo>();
  let after: string | undefined;
  for (let page = 1; page <= MAX_CURSOR_PAGES; page += 1) {
    const body = await call('GET', '/api/v2/integrations/credentials/listing', {
      query: { pageSize: CREDENTIALS_PAGE_SIZE, after },
    });
    const listing = readAs(cursorPageSchema, body, 'credentials');
    for (const value of listing.entities) {
      const info = readAs(credentialInfoSchema, value, 'credential');
      if (!byId.has(info.id)) byId.set(info.id, info);
      after = info.id;
    }
    // TF passes the last id as `after` (docs/platform-facts.md §2); no nextUri means the last page.
    if (listing.entities.length === 0 || listing.nextUri === undefined) return [...byId.values()];
  }
  throw new PlatformError('BadResponse', `credentials: more than ${MAX_CURSOR_PAGES} pages`);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
}

/**
 * The answer of a create that succeeded (2xx) but cannot be read: the platform made something, so the
 * outcome is unknown to the caller, never "failed".
 */
function readCreated<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(isPlatformError(error) && error.code === 'BadResponse')) throw error;
    throw new PlatformError('UnknownOutcome', `${error.message}; the create was accepted, so what it made may exist`);
  }
}

function fillRoute(route: string, params: Readonly<Record<string, string>>): string {
  return route.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new TypeError(`Missing path parameter ${name} for ${route}`);
    return encodeURIComponent(value);
  });
}

function sameConfig(current: IntegrationConfig, desired: IntegrationConfigUpdate): boolean {
  const pick = (c: IntegrationConfigUpdate): unknown => ({
    name: c.name,
    notes: c.notes,
    properties: c.properties,
    advanced: c.advanced,
    credentials: Object.fromEntries(Object.entries(c.credentials).map(([slot, ref]) => [slot, ref.id])),
  });
  return canonicalJson(pick(current)) === canonicalJson(pick(desired));
}

/** JSON with object keys sorted, so that two equal configs compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
