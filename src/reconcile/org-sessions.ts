// One platform session per GenesysCloudOrganization: its client (token cache and request budget shared
// by every call made for the org), its types catalogue, and the lock that serializes choosing names.
import { createHmac } from 'node:crypto';
import type { GenesysCloudOrganization } from '../api/index.ts';
import type { IntegrationKind } from '../integrations/index.ts';
import {
  createPlatformClient,
  isPlatformError,
  endpointsForRegion,
  type CallObservation,
  type IntegrationType,
  type PlatformClient,
  type PlatformClientOptions,
  type PlatformEndpoints,
} from '../platform/index.ts';

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
export class OrgSession {
  readonly key: string;
  readonly client: PlatformClient;
  readonly fingerprint: string;
  /** Keys the HMAC of credentialsRevision (see revision.ts). */
  readonly revisionKey: string;
  private catalogue: readonly IntegrationType[] | undefined;
  private lock: Promise<unknown> = Promise.resolve();
  private readonly recentNames = new Map<string, { id: string; until: number }>();
  private credentials: { at: number; ids: Set<string> } | undefined;
  private readonly credentialListMs: number;
  /** When the org reconciler last read the org from the platform (epoch ms). */
  refreshedAt: number | undefined;

  constructor(key: string, client: PlatformClient, fingerprint: string, revisionKey: string, credentialListMs = 60_000) {
    this.key = key;
    this.client = client;
    this.fingerprint = fingerprint;
    this.revisionKey = revisionKey;
    this.credentialListMs = credentialListMs;
  }

  /**
   * Names of the org's integrations other than `exceptId`, from a fresh list: a name set by hand a moment
   * ago must count (a cached list was tried and missed exactly that). Call under the name lock.
   */
  async otherNames(exceptId: string): Promise<string[]> {
    const all = await this.client.listIntegrations();
    return all.filter((i) => i.id !== exceptId).map((i) => i.name);
  }

  /**
   * Whether a credential still exists. One listing of the org's credentials serves every integration for
   * a while, instead of one GET each per resync; an id missing from it is confirmed with a GET, since the
   * listing may predate the credential.
   */
  async credentialExists(id: string, now: number): Promise<boolean> {
    if (this.credentials === undefined || now - this.credentials.at > this.credentialListMs) {
      const listed = await this.client.listCredentials();
      this.credentials = { at: now, ids: new Set(listed.map((c) => c.id)) };
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

  /** Runs `fn` with the org's name lock held: choosing and writing a name never interleave. */
  async withNameLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Names handed out recently to other integrations, which a list may not show yet. */
  reservedNames(now: number, exceptId: string): string[] {
    const names: string[] = [];
    for (const [name, entry] of this.recentNames) {
      if (entry.until < now) this.recentNames.delete(name);
      else if (entry.id !== exceptId) names.push(name);
    }
    return names;
  }

  reserveName(name: string, id: string, now: number): void {
    for (const [other, entry] of this.recentNames) if (entry.id === id) this.recentNames.delete(other);
    this.recentNames.set(name, { id, until: now + RECENT_NAME_MS });
  }
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
  /** For tests: client options layered over the defaults. */
  readonly clientOptions?: Partial<PlatformClientOptions>;
}

export class EndpointNotAllowedError extends Error {
  readonly code = 'EndpointNotAllowed';
  constructor(host: string) {
    super(`spec.endpoints points at host ${host}, which the operator was not started to allow (--allowed-endpoint-hosts)`);
  }
}

export class OrgSessions {
  private readonly sessions = new Map<string, OrgSession>();
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
    const fingerprint = createHmac('sha256', credentials.clientSecret)
      .update(JSON.stringify([endpoints, org.spec.requestsPerMinute, credentials.clientId]))
      .digest('hex');
    const existing = this.sessions.get(key);
    if (existing?.fingerprint === fingerprint) return existing;
    const client = createPlatformClient({
      endpoints,
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      requestsPerMinute: org.spec.requestsPerMinute,
      ...(this.options.observe === undefined ? {} : { observe: this.options.observe }),
      ...this.options.clientOptions,
    });
    const session = new OrgSession(key, client, fingerprint, credentials.clientSecret, this.options.credentialListMs);
    this.sessions.set(key, session);
    return session;
  }

  peek(key: string): OrgSession | undefined {
    return this.sessions.get(key);
  }

  forget(key: string): void {
    this.sessions.delete(key);
  }
}
