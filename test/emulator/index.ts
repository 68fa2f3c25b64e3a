// An in-process Genesys Cloud for tests: the login and API paths of one organization on one origin,
// plus a control API under /__emulator/. See README.md.
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Authenticator, type OAuthClient } from './auth.ts';
import { CallCounter } from './calls.ts';
import { Catalogue } from './catalogue.ts';
import { Clock } from './clock.ts';
import { actionRoutes } from './actions-api.ts';
import { configRoutes } from './config-api.ts';
import type { EmulatorContext, Organization } from './context.ts';
import { Control } from './control.ts';
import { credentialRoutes } from './credentials-api.ts';
import { FaultRegistry } from './faults.ts';
import { integrationRoutes } from './integrations-api.ts';
import { organizationRoutes } from './organization-api.ts';
import { RateLimiter } from './rate-limit.ts';
import { createListener } from './server.ts';
import { Store } from './store.ts';
import { typeRoutes } from './types-api.ts';

export type { StoredAction } from './actions-api.ts';
export type { CallCounts } from './calls.ts';
export type { Consistency, IntegrationEdit, IntegrationSeed } from './control.ts';
export { Control } from './control.ts';
export type { Fault, FaultKind, FaultSpec } from './faults.ts';
export type { StateSnapshot, Store, StoredCredential, StoredIntegration } from './store.ts';
export { KINDS, type Kind } from './catalogue.ts';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Serve HTTPS with this PEM certificate and key. */
  tls?: { cert: string; key: string };
  clients?: OAuthClient[];
  tokenTtlSeconds?: number;
  /** Per token, in a sliding one-minute window. */
  requestsPerMinute?: number;
  /** ACTIVATING -> ACTIVE and DEACTIVATING -> INACTIVE take this long. */
  stateTransitionMs?: number;
  /** How long a deleted integration stays visible to GET and list. */
  deleteVisibleMs?: number;
  /** How long a new integration is missing from list results (GET by id finds it at once). */
  listLagMs?: number;
  /**
   * How long GET by id (integration, its config/current, credential) answers 404 after a create, and the
   * version before a write after an API write (PATCH, PUT config, PUT credential).
   */
  readAfterWriteLagMs?: number;
  /**
   * Whether the listing honours `expand=config.current` by embedding each entry's full configuration
   * (default false: the conservative case, as the real platform's support is unconfirmed).
   */
  listingExpandsConfig?: boolean;
  organization?: Organization;
  /** New integration type ids, keyed by kind ("Google", "WebServices", ...) or by the catalogue's own id. */
  typeIds?: Partial<Record<string, string>>;
  /** maxInstances, keyed by integration type id (after any override) or by kind. */
  installLimits?: Partial<Record<string, number>>;
}

export interface Emulator {
  readonly baseUrl: string;
  /** In-process access to what is stored. */
  readonly state: Store;
  readonly control: Control;
  close(): Promise<void>;
}

export const DEFAULT_CLIENT: OAuthClient = { clientId: 'emulator-client', clientSecret: 'emulator-secret' };

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const clock = new Clock();
  const timing = {
    deleteVisibleMs: options.deleteVisibleMs ?? 0,
    listLagMs: options.listLagMs ?? 0,
    readAfterWriteLagMs: options.readAfterWriteLagMs ?? 0,
    listingExpandsConfig: options.listingExpandsConfig ?? false,
  };
  const store = new Store(clock, timing);
  const catalogue = new Catalogue({
    ...(options.typeIds === undefined ? {} : { typeIds: options.typeIds }),
    ...(options.installLimits === undefined ? {} : { installLimits: options.installLimits }),
  });
  const context: EmulatorContext = {
    store,
    catalogue,
    clock,
    organization: options.organization ?? { id: randomUUID(), name: 'Emulated Organization' },
    stateTransitionMs: options.stateTransitionMs ?? 1000,
  };
  const auth = new Authenticator(store, clock, options.clients ?? [DEFAULT_CLIENT], options.tokenTtlSeconds ?? 86399);
  const rateLimiter = new RateLimiter(clock, options.requestsPerMinute ?? 300);
  const faults = new FaultRegistry();
  const calls = new CallCounter();
  const control = new Control({ context, auth, calls, faults, rateLimiter, timing });
  const listener = createListener({
    apiRoutes: [
      ...auth.routes(),
      ...organizationRoutes(context),
      ...typeRoutes(catalogue),
      ...integrationRoutes(context),
      ...configRoutes(context),
      ...credentialRoutes(context),
      ...actionRoutes(context),
    ],
    controlRoutes: control.routes(),
    auth,
    rateLimiter,
    faults,
    calls,
  });
  const server: Server = options.tls === undefined ? createHttpServer(listener) : createHttpsServer(options.tls, listener);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const scheme = options.tls === undefined ? 'http' : 'https';
  return {
    baseUrl: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    state: store,
    control,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
