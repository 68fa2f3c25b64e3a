// One platform session per GenesysCloudOrganization: its client (token cache and request budget, shared by
// every session of the same OAuth client), its types catalogue, and the name lock and reservations of the
// real organization it reaches (shared by every session of that org).
import { createHmac } from 'node:crypto';
import type { GenesysCloudOrganization } from '../api/index.ts';
import type { IntegrationKind } from '../integrations/index.ts';
import {
  configOf,
  createPlatformClient,
  createRequestBudget,
  isPlatformError,
  endpointsForRegion,
  type CallObservation,
  type CredentialInfo,
  type IntegrationType,
  type PlatformClient,
  type PlatformClientOptions,
  type PlatformEndpoints,
  type RequestBudget,
} from '../platform/index.ts';
import { OrgIndex, type OrgListing } from './org-index.ts';

export interface OrgCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** The platform facts for one type in one org. */
export interface ResolvedType {
  readonly typeId: string;
  readonly maxInstances: number;
  readonly credentialSlot: string;
}

/** How long a name handed out stays reserved against a list that has not caught up yet. */
const RECENT_NAME_MS = 120_000;

/** The platform's default limit per OAuth client (client.credentials.token.rate.per.minute). */
const DEFAULT_REQUESTS_PER_MINUTE = 300;

interface Reservation {
  readonly name: string;
  readonly id: string;
  readonly until: number;
}

/**
 * What every session reaching one real organization shares, whichever GenesysCloudOrganization object
 * (namespace, team) it was opened for: the lock that serializes choosing names, the names handed
 * out recently, which a list may not show yet, and the index of its integrations (org-index.ts). Kept by
 * OrgSessions across session rebuilds.
 */
export class OrgNames {
  readonly index = new OrgIndex();
  private lock: Promise<unknown> = Promise.resolve();
  /** By holder: the resource (its uid) when the caller names it, else the integration id. */
  private readonly reservations = new Map<string, Reservation>();

  /** Runs `fn` with the lock held. */
  withLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Names reserved for integrations other than `exceptId` and for resources other than `owner`. */
  reserved(now: number, exceptId: string, owner?: string): string[] {
    const names: string[] = [];
    for (const [holder, entry] of this.reservations) {
      if (entry.until < now) this.reservations.delete(holder);
      else if (entry.id !== exceptId && (owner === undefined || holder !== owner)) names.push(entry.name);
    }
    return names;
  }

  /**
   * Reserves `name` for integration `id`. With `owner` (the resource's uid) the reservation is the
   * resource's: an integration that replaces a deleted one inherits it instead of being kept from it.
   */
  reserve(name: string, id: string, now: number, owner?: string): void {
    this.release(id);
    this.reservations.set(owner ?? id, { name, id, until: now + RECENT_NAME_MS });
  }

  /** Drops the reservation of an integration that is gone: its name is free again. */
  release(id: string): void {
    for (const [holder, entry] of this.reservations) if (entry.id === id) this.reservations.delete(holder);
  }

  /** A fresh list that shows a reserved name on the integration that reserved it is authoritative for it. */
  confirm(listed: readonly { readonly id: string; readonly name: string }[]): void {
    const names = new Map(listed.map((i) => [i.id, i.name]));
    for (const [holder, entry] of this.reservations) if (names.get(entry.id) === entry.name) this.reservations.delete(holder);
  }
}

export class OrgSession {
  readonly key: string;
  /** The platform client; its token and budget are shared with every session of the same OAuth client. */
  readonly client: PlatformClient;
  readonly fingerprint: string;
  /** Keys the HMAC of credentialsRevision (see revision.ts). */
  readonly revisionKey: string;
  private catalogue: readonly IntegrationType[] | undefined;
  private credentials: { at: number; ids: Set<string> } | undefined;
  private credentialListing: Promise<CredentialInfo[]> | undefined;
  /** Whether a listing asked to expand config.current carries it (probed once per session; undefined: not yet known). */
  private listingCarriesConfig: boolean | undefined;
  private readonly credentialListMs: number;
  private readonly now: () => number;
  private readonly namesOf: (orgId: string) => OrgNames;
  private orgId: string | undefined;
  private names: OrgNames | undefined;
  /** When the org reconciler last read the org from the platform (epoch ms). */
  refreshedAt: number | undefined;
  /**
   * The OAuth client's request budget, which the client above spends; set by OrgSessions so the session's
   * other clients (the actions client) spend the same one, never a second budget of their own.
   */
  budget: RequestBudget | undefined;

  /** `namesOf` gives the name registry of a real org (OrgSessions shares them); by default the session keeps its own. */
  constructor(
    key: string,
    client: PlatformClient,
    fingerprint: string,
    revisionKey: string,
    credentialListMs = 60_000,
    namesOf: (orgId: string) => OrgNames = once(() => new OrgNames()),
    now: () => number = () => Date.now(),
  ) {
    this.now = now;
    this.key = key;
    this.client = this.watching(client);
    this.fingerprint = fingerprint;
    this.revisionKey = revisionKey;
    this.credentialListMs = credentialListMs;
    this.namesOf = namesOf;
  }

  /**
   * The client with the session's bookkeeping: an org read teaches the org id; a delete frees the name its
   * integration reserved, and so does a listing that shows the name on it (the list has caught up). Every
   * write keeps the org's index current (org-index.ts), and the credentials it creates or deletes are known.
   */
  private watching(client: PlatformClient): PlatformClient {
    const now = (): number => this.now();
    return {
      ...client,
      listIntegrations: async (filter) => {
        const listed = await client.listIntegrations(filter);
        this.names?.confirm(listed);
        return listed;
      },
      getOrganization: async () => {
        const org = await client.getOrganization();
        this.orgId = org.id;
        return org;
      },
      createIntegration: async (req, options) => {
        const created = await client.createIntegration(req, options);
        const index = await this.index();
        index.wroteIntegration(created, now(), true);
        // An answer that carries the new integration's whole config saves reading it before the first write.
        const config = configOf(created);
        if (config !== undefined) index.wroteConfig(created.id, config, now());
        return created;
      },
      setIntendedState: async (id, state) => {
        const index = await this.index();
        index.writing(id, 'integration');
        const updated = await client.setIntendedState(id, state);
        index.wroteIntegration(updated, now(), false);
        return updated;
      },
      updateConfig: async (id, change, known) => {
        const index = await this.index();
        index.writing(id, 'config');
        const config = await client.updateConfig(id, change, known);
        index.wroteConfig(id, config, now());
        return config;
      },
      deleteIntegration: async (id) => {
        const index = await this.index();
        index.writing(id, 'both');
        try {
          await client.deleteIntegration(id);
        } catch (error) {
          if (isPlatformError(error) && error.code === 'NotFound') this.releaseName(id);
          throw error;
        }
        index.forget(id, now());
        this.releaseName(id);
      },
      createCredential: async (req, options) => {
        const created = await client.createCredential(req, options);
        this.credentials?.ids.add(created.id);
        return created;
      },
      deleteCredential: async (id) => {
        await client.deleteCredential(id);
        this.credentials?.ids.delete(id);
      },
    };
  }

  /** The index of the real org's integrations, shared by every session that reaches it. */
  async index(): Promise<OrgIndex> {
    return (this.names ??= this.namesOf(await this.organizationId())).index;
  }

  /**
   * Makes sure the org's index comes from a listing started at or after `since` (one listing of the whole org,
   * shared by every caller meanwhile).
   */
  async listedSince(since: number, now: () => number): Promise<OrgIndex> {
    const index = await this.index();
    await index.ensure(since, now, () => this.listOrg());
    return index;
  }

  /**
   * One listing of the whole org. The first asks for each entry's config (LIST_EXPAND_CONFIG, unconfirmed):
   * when the entries carry it, later listings ask again; when they do not, or the platform refuses the
   * expand, this session never asks again and configs are read by id.
   */
  private async listOrg(): Promise<OrgListing> {
    if (this.listingCarriesConfig !== false) {
      try {
        const listed = await this.client.listIntegrations({ expandConfig: true });
        if (listed.length > 0) this.listingCarriesConfig = listed.every((i) => configOf(i) !== undefined);
        return { integrations: listed, configs: this.listingCarriesConfig === true };
      } catch (error) {
        if (!(isPlatformError(error) && error.code === 'Invalid')) throw error;
        this.listingCarriesConfig = false;
      }
    }
    return { integrations: await this.client.listIntegrations(), configs: false };
  }

  /** The id of the real organization: read once per session, unless the org reconciler already did. */
  async organizationId(): Promise<string> {
    return this.orgId ?? (await this.client.getOrganization()).id;
  }

  /**
   * Names of the org's integrations other than `exceptId`, from an index listed at or after `since`: a name
   * set by hand before then counts (a 2 s cache once missed exactly that). The index is kept current by this
   * operator's own writes, so one listing serves every name chosen for resources made before it started.
   * Call under the name lock.
   */
  async otherNames(exceptId: string, since: number, now: () => number): Promise<string[]> {
    return (await this.listedSince(since, now)).names(exceptId);
  }

  /**
   * Whether a credential still exists. One listing of the org's credentials serves every integration for
   * a while, instead of one GET each per resync, and reconciles that find it stale at once share one refresh;
   * the credentials this session creates are known without it. An id missing from it is confirmed with a
   * GET, since the listing may predate the credential.
   */
  async credentialExists(id: string, now: number): Promise<boolean> {
    if (this.credentials === undefined || now - this.credentials.at > this.credentialListMs) {
      this.credentialListing ??= this.client.listCredentials().finally(() => (this.credentialListing = undefined));
      const listed = await this.credentialListing;
      if (this.credentials === undefined || now - this.credentials.at > this.credentialListMs) {
        this.credentials = { at: now, ids: new Set(listed.map((c) => c.id)) };
      }
    }
    if (this.credentials.ids.has(id)) return true;
    try {
      await this.client.getCredential(id);
      this.credentials.ids.add(id);
      return true;
    } catch (error) {
      if (isPlatformError(error) && error.code === 'NotFound') return false;
      throw error;
    }
  }

  async loadCatalogue(): Promise<readonly IntegrationType[]> {
    this.catalogue = await this.client.listIntegrationTypes();
    return this.catalogue;
  }

  async types(): Promise<readonly IntegrationType[]> {
    return this.catalogue ?? (await this.loadCatalogue());
  }

  /** The platform type for a kind: an org override, else the kind's confirmed id, else the catalogue's match. */
  async resolve(kind: IntegrationKind, override: string | undefined): Promise<ResolvedType | undefined> {
    const types = await this.types();
    const wanted = override ?? kind.platformTypeId;
    const entry = wanted !== undefined ? types.find((t) => t.id === wanted) : discover(types, kind);
    const typeId = wanted ?? entry?.id;
    if (typeId === undefined) return undefined;
    // A slot the type itself declares wins over the kind's (possibly unconfirmed) guess when they differ.
    const slots = Object.keys(entry?.credentials ?? {});
    const credentialSlot =
      slots.includes(kind.credentialSlot) || slots.length !== 1 ? kind.credentialSlot : (slots[0] ?? kind.credentialSlot);
    return { typeId, maxInstances: entry?.maxInstances ?? kind.installLimit, credentialSlot };
  }

  /**
   * Runs `fn` with the name lock of the real org held: choosing and writing a name never interleave, even
   * for two GenesysCloudOrganization objects that point at one org.
   */
  async withNameLock<T>(fn: () => Promise<T>): Promise<T> {
    const names = (this.names ??= this.namesOf(await this.organizationId()));
    return names.withLock(fn);
  }

  /** Names handed out recently to other integrations and resources than `owner`, which a list may not show yet. */
  reservedNames(now: number, exceptId: string, owner?: string): string[] {
    return this.names?.reserved(now, exceptId, owner) ?? [];
  }

  /** Call under the name lock. `owner`, the resource's uid, lets its next integration inherit the name. */
  reserveName(name: string, id: string, now: number, owner?: string): void {
    if (this.names === undefined) throw new Error('reserveName is called under withNameLock');
    this.names.reserve(name, id, now, owner);
  }

  /** Frees the name an integration reserved, once it is known to be gone (deleted, its 404 confirmed). */
  releaseName(id: string): void {
    this.names?.release(id);
  }
}

function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

/**
 * The catalogue entry a kind without a confirmed id matches. Installable entries win; when several still
 * match, none is taken: guessing wrong would install the wrong integration (the org's
 * spec.integrationTypeIds settles it).
 */
function discover(types: readonly IntegrationType[], kind: IntegrationKind): IntegrationType | undefined {
  const matches = types.filter((t) => kind.catalogueMatch({ id: t.id, name: t.name }));
  const installable = matches.filter((t) => t.nonInstallable !== true);
  const candidates = installable.length > 0 ? installable : matches;
  return candidates.length === 1 ? candidates[0] : undefined;
}

export interface OrgSessionsOptions {
  /** Whether an organization's spec.endpoints URL may be used (the --allowed-endpoint-hosts flag). */
  readonly isEndpointAllowed: (url: string) => boolean;
  readonly observe?: (o: CallObservation) => void;
  /** How long one listing of an org's credentials answers "does it still exist" (default 60 s). */
  readonly credentialListMs?: number;
  /** The clock the sessions' bookkeeping reads (default Date.now); the reconcilers' deps.now. */
  readonly now?: () => number;
  /** For tests: client options layered over the defaults. */
  readonly clientOptions?: Partial<PlatformClientOptions>;
}

export class EndpointNotAllowedError extends Error {
  readonly code = 'EndpointNotAllowed';
  constructor(host: string) {
    super(`spec.endpoints points at host ${host}, which the operator was not started to allow (--allowed-endpoint-hosts)`);
  }
}

/** What a session uses of the shared state. */
interface Holding {
  readonly budgetKey: string;
  readonly clientKey: string;
  readonly requestsPerMinute: number;
}

/**
 * The sessions of every GenesysCloudOrganization, and what they share:
 * - per real org (its id from GET /api/v2/organizations/me): the name lock and reservations, since two
 *   objects (two teams, two namespaces) may point at one org and must not choose the same name;
 * - per OAuth client at one API host: the request budget, and the token. The platform counts requests per
 *   client-credentials token, so one client used by two objects has one budget between them, while two
 *   OAuth clients of one org each have their own (README, spec.requestsPerMinute).
 * Both outlive a session rebuilt after a Secret or spec change.
 */
export class OrgSessions {
  private readonly sessions = new Map<string, OrgSession>();
  private readonly holdings = new Map<string, Holding>();
  private readonly orgs = new Map<string, OrgNames>();
  private readonly budgets = new Map<string, RequestBudget>();
  /** By OAuth client, endpoints and secret: one token for every session of one client. */
  private readonly clients = new Map<string, PlatformClient>();
  private readonly options: OrgSessionsOptions;

  constructor(options: OrgSessionsOptions) {
    this.options = options;
  }

  /** Where the org's calls go, refusing endpoints the operator was not started to allow. */
  endpointsOf(org: GenesysCloudOrganization): PlatformEndpoints {
    const explicit = org.spec.endpoints;
    if (explicit === undefined) return endpointsForRegion(org.spec.region);
    for (const url of [explicit.apiBaseUrl, explicit.loginBaseUrl]) {
      if (!this.options.isEndpointAllowed(url)) throw new EndpointNotAllowedError(new URL(url).host);
    }
    return explicit;
  }

  /** The org's session, rebuilt when its spec or its OAuth client changed. */
  sessionFor(key: string, org: GenesysCloudOrganization, credentials: OrgCredentials): OrgSession {
    const endpoints = this.endpointsOf(org);
    const keyed = (parts: unknown[]): string => createHmac('sha256', credentials.clientSecret).update(JSON.stringify(parts)).digest('hex');
    const fingerprint = keyed([endpoints, org.spec.requestsPerMinute, credentials.clientId]);
    const existing = this.sessions.get(key);
    if (existing?.fingerprint === fingerprint) return existing;
    const holding: Holding = {
      budgetKey: JSON.stringify([endpoints.apiBaseUrl.replace(/\/+$/, ''), credentials.clientId]),
      clientKey: keyed([endpoints, credentials.clientId]),
      requestsPerMinute: org.spec.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
    };
    this.holdings.set(key, holding);
    const budget = this.budgetFor(holding);
    let client = this.clients.get(holding.clientKey);
    if (client === undefined) {
      client = createPlatformClient({
        endpoints,
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
        budget,
        ...(this.options.observe === undefined ? {} : { observe: this.options.observe }),
        ...this.options.clientOptions,
      });
      this.clients.set(holding.clientKey, client);
    }
    const namesOf = (orgId: string): OrgNames => this.namesOf(orgId);
    const session = new OrgSession(
      key,
      client,
      fingerprint,
      credentials.clientSecret,
      this.options.credentialListMs,
      namesOf,
      this.options.now,
    );
    session.budget = budget;
    this.sessions.set(key, session);
    this.prune();
    return session;
  }

  peek(key: string): OrgSession | undefined {
    return this.sessions.get(key);
  }

  forget(key: string): void {
    this.sessions.delete(key);
    this.holdings.delete(key);
    this.prune();
  }

  private namesOf(orgId: string): OrgNames {
    let names = this.orgs.get(orgId);
    if (names === undefined) {
      names = new OrgNames();
      this.orgs.set(orgId, names);
    }
    return names;
  }

  /** The OAuth client's budget, at the lowest rate any session of that client asks for. */
  private budgetFor(holding: Holding): RequestBudget {
    const rate = this.rateOf(holding.budgetKey);
    let budget = this.budgets.get(holding.budgetKey);
    if (budget === undefined) {
      budget = createRequestBudget({ ...this.options.clientOptions, requestsPerMinute: rate });
      this.budgets.set(holding.budgetKey, budget);
    }
    budget.setRate(rate);
    return budget;
  }

  private rateOf(budgetKey: string): number {
    const rates = [...this.holdings.values()].filter((h) => h.budgetKey === budgetKey).map((h) => h.requestsPerMinute);
    return Math.min(...rates);
  }

  /** Drops the clients and budgets no session uses any more, and rates the budgets for those that remain. */
  private prune(): void {
    const held = [...this.holdings.values()];
    for (const key of this.clients.keys()) if (!held.some((h) => h.clientKey === key)) this.clients.delete(key);
    for (const [key, budget] of this.budgets) {
      if (held.some((h) => h.budgetKey === key)) budget.setRate(this.rateOf(key));
      else this.budgets.delete(key);
    }
  }
}
