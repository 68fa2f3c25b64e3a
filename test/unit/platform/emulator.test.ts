// Every client call against the project's emulator, including the faults the operator must survive.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.ts';
import type { Emulator, EmulatorOptions } from '../../emulator/index.ts';
import { createPlatformClient, isPlatformError } from '../../../src/platform/index.ts';
import { kindOf } from '../../../src/integrations/index.ts';
import type { PlatformClient, PlatformClientOptions, PlatformError } from '../../../src/platform/index.ts';
import { fakeClock } from './loopback.ts';

const WEB_SERVICES = 'custom-rest-actions';
const INTEGRATIONS = 'POST /api/v2/integrations';

let emulators: Emulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.map((e) => e.close()));
  emulators = [];
});

async function platform(
  options: EmulatorOptions = {},
  client: Partial<PlatformClientOptions> = {},
): Promise<{ emulator: Emulator; client: PlatformClient }> {
  const emulator = await startEmulator({ stateTransitionMs: 20, requestsPerMinute: 100_000, ...options });
  emulators.push(emulator);
  return {
    emulator,
    client: createPlatformClient({
      endpoints: { apiBaseUrl: emulator.baseUrl, loginBaseUrl: emulator.baseUrl },
      clientId: 'emulator-client',
      clientSecret: 'emulator-secret',
      // Fast by default; the budget tests set their own rate.
      requestsPerMinute: 60_000,
      retryPolicy: { baseDelayMs: 5, maxDelayMs: 20 },
      ...client,
    }),
  };
}

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  try {
    await promise;
  } catch (e) {
    if (isPlatformError(e)) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

/** Statuses the emulator answered for one route, e.g. {"200": 1, "503": 2}. */
function answered(emulator: Emulator, route: string): Record<string, number> {
  return emulator.control.calls().byRoute[route]?.byStatus ?? {};
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i += 1) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not reached');
}

describe('client calls against the emulator', () => {
  it('reads the organization', async () => {
    const { client } = await platform({ organization: { id: 'org-1', name: 'Acme' } });
    expect(await client.getOrganization()).toMatchObject({ id: 'org-1', name: 'Acme' });
  });

  it('reads the types catalogue and finds Google and Adobe by name', async () => {
    const { client } = await platform();
    const types = await client.listIntegrationTypes();
    expect(types.map((t) => t.id)).toEqual(expect.arrayContaining([WEB_SERVICES, 'purecloud-data-actions', 'salesforce-datadip']));
    const webServices = types.find((t) => t.id === WEB_SERVICES);
    expect(webServices?.credentials['basicAuth']?.credentialTypes).toEqual(expect.arrayContaining(['basicAuth', 'userDefined']));
    // The types whose ids are not published are found by the operator's own matchers.
    for (const [type, vendor] of [
      ['Google', /google/i],
      ['Adobe', /adobe/i],
    ] as const) {
      const found = types.filter((t) => kindOf(type).catalogueMatch({ id: t.id, name: t.name }));
      expect(found.map((t) => t.name)).toEqual([expect.stringMatching(vendor)]);
    }
  });

  it('reads the credential types', async () => {
    const { client } = await platform();
    const names = (await client.listCredentialTypes()).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['basicAuth', 'userDefined', 'pureCloudOAuthClient']));
  });

  it('creates, names, links, enables and deletes an integration and its credential', async () => {
    const { client, emulator } = await platform();
    const created = await client.createIntegration({ integrationTypeId: WEB_SERVICES });
    expect(created.integrationType.id).toBe(WEB_SERVICES);
    expect(created.reportedState?.code).toBe('INACTIVE');

    const credential = await client.createCredential({
      name: 'orders',
      typeName: 'basicAuth',
      fields: { userName: 'svc', password: 'pw-123456' },
    });
    const config = await client.updateConfig(created.id, (current) => ({
      ...current,
      name: 'Orders API',
      notes: 'managed',
      credentials: { basicAuth: { id: credential.id } },
    }));
    expect(config).toMatchObject({ name: 'Orders API', notes: 'managed', credentials: { basicAuth: { id: credential.id } } });
    expect((await client.getConfig(created.id)).version).toBe(config.version);

    await client.setIntendedState(created.id, 'ENABLED');
    const active = await eventually(
      () => client.getIntegration(created.id),
      (i) => i.reportedState?.code === 'ACTIVE',
    );
    expect(active.name).toBe('Orders API');
    expect((await client.listIntegrations({ integrationType: WEB_SERVICES })).map((i) => i.id)).toContain(created.id);

    const updated = await client.updateCredential(credential.id, {
      name: 'orders',
      typeName: 'basicAuth',
      fields: { userName: 'svc', password: 'pw-654321' },
    });
    expect(updated.id).toBe(credential.id);
    const stored = emulator.control.state().credentials.find((c) => c.id === credential.id);
    expect(JSON.stringify(stored)).toContain('pw-654321');
    const read = await client.getCredential(credential.id);
    expect(read.credentialFieldNames.sort()).toEqual(['password', 'userName']);
    expect(JSON.stringify(read)).not.toContain('pw-654321');
    expect((await client.listCredentials()).map((c) => c.id)).toContain(credential.id);

    await client.deleteIntegration(created.id);
    await client.deleteCredential(credential.id);
    expect((await failure(client.getIntegration(created.id))).code).toBe('NotFound');
    expect((await failure(client.deleteIntegration(created.id))).code).toBe('NotFound');
    expect((await failure(client.deleteCredential(credential.id))).code).toBe('NotFound');
  });

  it('lists every integration across pages of 999, reading a multi-page listing twice', async () => {
    const { client, emulator } = await platform({ installLimits: { [WEB_SERVICES]: 2000 } });
    for (let i = 0; i < 1000; i += 1) emulator.control.seedIntegration({ type: WEB_SERVICES });
    emulator.control.seedIntegration({ type: 'purecloud-data-actions' });
    expect(await client.listIntegrations()).toHaveLength(1001);
    expect(await client.listIntegrations({ integrationType: WEB_SERVICES })).toHaveLength(1000);
    expect(answered(emulator, 'GET /api/v2/integrations')['200']).toBe(2 * 2 + 2 * 2);
  });

  it('lists every credential across cursor pages', async () => {
    const { client } = await platform();
    const ids = new Set<string>();
    for (let i = 0; i < 205; i += 1) {
      ids.add((await client.createCredential({ name: `c${i}`, typeName: 'userDefined', fields: { k: `v${i}` } })).id);
    }
    const listed = await client.listCredentials();
    expect(new Set(listed.map((c) => c.id))).toEqual(ids);
  });

  it('reports QuotaExceeded past the install limit', async () => {
    const { client } = await platform({ installLimits: { 'zendesk-data-actions': 1 } });
    await client.createIntegration({ integrationTypeId: 'zendesk-data-actions' });
    const e = await failure(client.createIntegration({ integrationTypeId: 'zendesk-data-actions' }));
    expect(e).toMatchObject({ code: 'QuotaExceeded', retryable: false, status: 400 });
  });
});

describe('writing a config the caller already read', () => {
  it('writes with one PUT and no GET when the config it was given is current', async () => {
    const { client, emulator } = await platform();
    const { id } = await client.createIntegration({ integrationTypeId: WEB_SERVICES });
    const known = await client.getConfig(id);
    const config = await client.updateConfig(id, (current) => ({ ...current, name: 'From observe' }), known);
    expect(config.name).toBe('From observe');
    expect(answered(emulator, 'GET /api/v2/integrations/{id}/config/current')).toEqual({ '200': 1 });
    expect(answered(emulator, 'PUT /api/v2/integrations/{id}/config/current')).toEqual({ '200': 1 });
  });

  it('reads afresh after a version conflict when the config it was given is stale', async () => {
    const { client, emulator } = await platform();
    const { id } = await client.createIntegration({ integrationTypeId: WEB_SERVICES });
    const stale = await client.getConfig(id);
    emulator.control.editIntegration(id, { notes: 'by hand' });
    const config = await client.updateConfig(id, (current) => ({ ...current, name: 'Wanted' }), stale);
    expect(config).toMatchObject({ name: 'Wanted', notes: 'by hand' });
    expect(answered(emulator, 'PUT /api/v2/integrations/{id}/config/current')).toEqual({ '409': 1, '200': 1 });
  });
});

describe('faults the client survives', () => {
  it('reads again and reapplies the change when someone else wrote the config in between', async () => {
    const { client, emulator } = await platform();
    const { id } = await client.createIntegration({ integrationTypeId: WEB_SERVICES });
    let applied = 0;
    const config = await client.updateConfig(id, (current) => {
      applied += 1;
      // A person saves the integration in the admin UI while the operator is writing.
      if (applied === 1) emulator.control.editIntegration(id, { notes: 'by hand' });
      return { ...current, name: 'Wanted name' };
    });
    expect(applied).toBe(2);
    expect(config).toMatchObject({ name: 'Wanted name', notes: 'by hand' });
    expect(answered(emulator, 'PUT /api/v2/integrations/{id}/config/current')).toEqual({ '409': 1, '200': 1 });
  });

  it('waits out a 429 for its Retry-After and succeeds, and the budget records the wait', async () => {
    const { client, emulator } = await platform();
    const { id } = await client.createIntegration({ integrationTypeId: WEB_SERVICES });
    emulator.control.addFault({ route: 'GET /api/v2/integrations/{id}', kind: 'rateLimit', times: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    expect((await client.getIntegration(id)).id).toBe(id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(client.stats()).toMatchObject({ rateLimited: 1 });
    expect(client.stats().budgetWaitMs).toBeGreaterThanOrEqual(950);
    expect(answered(emulator, 'GET /api/v2/integrations/{id}')).toEqual({ '429': 1, '200': 1 });
  });

  it('logs in again once when the token expires mid-run, and the call succeeds', async () => {
    const { client, emulator } = await platform();
    const { id } = await client.createIntegration({ integrationTypeId: WEB_SERVICES });
    emulator.control.expireTokens();
    expect((await client.getIntegration(id)).id).toBe(id);
    expect(client.stats().logins).toBe(2);
    expect(answered(emulator, 'GET /api/v2/integrations/{id}')).toEqual({ '401': 1, '200': 1 });
    expect(answered(emulator, 'POST /oauth/token')).toEqual({ '200': 2 });
  });

  it('shares one new login among concurrent calls refused after the token expired', async () => {
    const { client, emulator } = await platform();
    const { id } = await client.createIntegration({ integrationTypeId: WEB_SERVICES });
    emulator.control.expireTokens();
    const read = await Promise.all(Array.from({ length: 5 }, () => client.getIntegration(id)));
    expect(read.map((i) => i.id)).toEqual([id, id, id, id, id]);
    expect(client.stats().logins).toBe(2);
  });

  it('retries a GET through a burst of 5xx and succeeds', async () => {
    const { client, emulator } = await platform();
    emulator.control.addFault({ route: 'GET /api/v2/integrations', kind: 'status', status: 503, times: 2 });
    expect(await client.listIntegrations()).toEqual([]);
    expect(answered(emulator, 'GET /api/v2/integrations')).toEqual({ '503': 2, '200': 1 });
    expect(client.stats().retries).toBe(2);
  });

  it('does not repeat a create answered 5xx: UnknownOutcome, sent once', async () => {
    const { client, emulator } = await platform();
    emulator.control.addFault({ route: INTEGRATIONS, kind: 'status', status: 503, times: 3 });
    const e = await failure(client.createIntegration({ integrationTypeId: WEB_SERVICES }));
    expect(e).toMatchObject({ code: 'UnknownOutcome', retryable: true, status: 503 });
    expect(answered(emulator, INTEGRATIONS)).toEqual({ '503': 1 });
  });

  it('reports UnknownOutcome when a create is made but its answer is lost, and exactly one integration exists', async () => {
    const { client, emulator } = await platform();
    emulator.control.addFault({ route: INTEGRATIONS, kind: 'commitThenDrop', times: 1 });
    const e = await failure(client.createIntegration({ integrationTypeId: WEB_SERVICES }));
    expect(e).toMatchObject({ code: 'UnknownOutcome', retryable: true });
    expect(emulator.control.state().integrations).toHaveLength(1);
    // Looking before creating again finds it.
    expect(await client.listIntegrations({ integrationType: WEB_SERVICES })).toHaveLength(1);
  });

  it('reports UnknownOutcome for a credential create whose answer is lost, without repeating it', async () => {
    const { client, emulator } = await platform();
    emulator.control.addFault({ route: 'POST /api/v2/integrations/credentials', kind: 'commitThenDrop', times: 1 });
    const e = await failure(
      client.createCredential({ name: 'lost', typeName: 'basicAuth', fields: { userName: 'u', password: 'pw-lost-1' } }),
    );
    expect(e.code).toBe('UnknownOutcome');
    expect(e.message).not.toContain('pw-lost-1');
    expect(emulator.control.state().credentials).toHaveLength(1);
    expect((await client.listCredentials()).map((c) => c.name)).toEqual(['lost']);
  });
});

describe('request budget', () => {
  it('spreads N calls at R per minute over about N/R minutes (fake clock)', async () => {
    const clock = fakeClock(Date.now());
    const perMinute = 120;
    const calls = 30;
    const { client } = await platform({}, { requestsPerMinute: perMinute, now: clock.now, sleep: clock.sleep });
    await client.getOrganization(); // login + first call: the burst (2 slots) is spent
    const start = clock.now();
    await Promise.all(Array.from({ length: calls }, () => client.getOrganization()));
    const elapsedMs = clock.now() - start;
    const expectedMs = (calls / perMinute) * 60_000;
    expect(elapsedMs).toBeGreaterThanOrEqual(expectedMs - 500);
    expect(elapsedMs).toBeLessThanOrEqual(expectedMs + 1_000);
    expect(client.stats().budgetWaitMs).toBeGreaterThanOrEqual(expectedMs - 500);
  });

  it('paces real calls at a high rate', async () => {
    const { client } = await platform({}, { requestsPerMinute: 6_000, burst: 1 });
    await client.getOrganization();
    const started = Date.now();
    await Promise.all(Array.from({ length: 40 }, () => client.getOrganization()));
    // 40 slots at 100 per second: at least ~0.4 s whatever the machine; generous upper bound for slow CI.
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(client.stats().rateLimited).toBe(0);
  });
});
