// Protocol edge cases against loopback servers: auth, retries, outcomes of unanswered creates, secrets.
import { afterEach, describe, expect, it } from 'vitest';
import { createPlatformClient, isPlatformError } from '../../../src/platform/index.ts';
import type { CallObservation, PlatformClient, PlatformClientOptions, PlatformError } from '../../../src/platform/index.ts';
import { fakeClock, grantTokens, integrationBody, startLoopback } from './loopback.ts';
import type { Handler, Loopback, SeenRequest } from './loopback.ts';

const SECRET = 'client-secret-do-not-print';
const FAST_RETRIES = { baseDelayMs: 1, maxDelayMs: 5 };

let servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** A server whose /oauth/token grants tokens and whose API answers with `api`. */
async function serve(api: Handler, login = grantTokens()): Promise<Loopback> {
  const server = await startLoopback((r) => (r.path === '/oauth/token' ? login.handle(r) : api(r)));
  servers.push(server);
  return server;
}

function clientFor(server: Loopback, extra: Partial<PlatformClientOptions> = {}): PlatformClient {
  return createPlatformClient({
    endpoints: { apiBaseUrl: server.baseUrl, loginBaseUrl: server.baseUrl },
    clientId: 'client-id',
    clientSecret: SECRET,
    requestsPerMinute: 60_000,
    retryPolicy: FAST_RETRIES,
    ...extra,
  });
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

/** Answers the first `n` calls with `first`, then with `then`. */
function firstThen(n: number, first: Handler, then: Handler): Handler {
  let calls = 0;
  return (r) => (++calls <= n ? first(r) : then(r));
}

const ok = (r: SeenRequest): ReturnType<Handler> => ({ status: 200, body: integrationBody(r.path.split('/').pop() ?? 'x') });

describe('OAuth client credentials', () => {
  it('logs in once with Basic auth and the client-credentials grant, then reuses the token', async () => {
    const login = grantTokens();
    const server = await serve(ok, login);
    const client = clientFor(server);
    await Promise.all([client.getIntegration('a'), client.getIntegration('b'), client.getIntegration('c')]);
    await client.getIntegration('d');
    expect(login.logins()).toBe(1);
    const token = server.requests.find((r) => r.path === '/oauth/token')!;
    expect(token.authorization).toBe(`Basic ${Buffer.from(`client-id:${SECRET}`).toString('base64')}`);
    expect(token.body).toBe('grant_type=client_credentials');
    expect(server.requests.filter((r) => r.path !== '/oauth/token').every((r) => r.authorization === 'Bearer token-1')).toBe(true);
  });

  it('renews the token before it expires', async () => {
    const clock = fakeClock();
    const login = grantTokens(600);
    const server = await serve(ok, login);
    const client = clientFor(server, { now: clock.now, sleep: clock.sleep });
    await client.getIntegration('a');
    await clock.sleep(400_000); // under 80% of 600 s: still good
    await client.getIntegration('a');
    expect(login.logins()).toBe(1);
    await clock.sleep(100_000); // past 80%
    await client.getIntegration('a');
    expect(login.logins()).toBe(2);
    expect(server.requests.at(-1)?.authorization).toBe('Bearer token-2');
  });

  it('logs in again once and retries when the API refuses the token', async () => {
    const login = grantTokens();
    const server = await serve(
      (r) => (r.authorization === 'Bearer token-1' ? { status: 401, body: { code: 'bad.credentials' } } : ok(r)),
      login,
    );
    const client = clientFor(server);
    const integration = await client.getIntegration('a');
    expect(integration.id).toBe('a');
    expect(login.logins()).toBe(2);
  });

  it('never shows the token in an error, even when the platform echoes it', async () => {
    const server = await serve((r) => ({ status: 403, body: { message: `Header ${r.authorization} lacks permission` } }));
    const e = await failure(clientFor(server).getIntegration('a'));
    expect(e.code).toBe('Forbidden');
    expect(e.message).toContain('lacks permission');
    expect(e.message).not.toContain('token-1');
  });

  it('reports Unauthorized when the fresh token is refused too', async () => {
    const login = grantTokens();
    const server = await serve(() => ({ status: 401, body: { message: 'Invalid login credentials.' } }), login);
    const e = await failure(clientFor(server).getIntegration('a'));
    expect(e.code).toBe('Unauthorized');
    expect(e.retryable).toBe(false);
    expect(login.logins()).toBe(2);
    expect(server.count('GET /api/v2/integrations/a')).toBe(2);
  });

  it('reports Unauthorized, without the secret, when the login is refused', async () => {
    const refuse: Handler = () => ({ status: 401, body: { error: 'invalid_client', error_description: `bad secret ${SECRET}` } });
    const server = await serve(ok, { handle: refuse, logins: () => 0 });
    const client = clientFor(server);
    const e = await failure(client.getIntegration('a'));
    expect(e.code).toBe('Unauthorized');
    expect(e.message).toContain('bad secret [REDACTED]');
    expect(e.message).not.toContain(SECRET);
    expect(JSON.stringify(client.stats())).not.toContain(SECRET);
    expect(server.count('GET /api/v2/integrations/a')).toBe(0);
  });
});

describe('retries', () => {
  it.each([
    { method: 'GET', call: (c: PlatformClient) => c.getIntegration('a') },
    { method: 'PATCH', call: (c: PlatformClient) => c.setIntendedState('a', 'ENABLED') },
    { method: 'DELETE', call: (c: PlatformClient) => c.deleteIntegration('a') },
  ])('repeats a $method after a burst of 5xx and succeeds', async ({ method, call }) => {
    const server = await serve(firstThen(2, () => ({ status: 503, body: { message: 'busy' } }), ok));
    const client = clientFor(server);
    await call(client);
    expect(server.count(`${method} /api/v2/integrations/a`)).toBe(3);
    expect(client.stats().retries).toBe(2);
    expect(client.stats().calls[`${method} /api/v2/integrations/{id}`]).toEqual({ '503': 2, '200': 1 });
  });

  it('gives up on a GET after the bounded attempts with Unavailable', async () => {
    const server = await serve(() => ({ status: 502, body: { message: 'bad gateway' } }));
    const e = await failure(clientFor(server, { retryPolicy: { ...FAST_RETRIES, maxAttempts: 3 } }).getIntegration('a'));
    expect(e).toMatchObject({ code: 'Unavailable', status: 502, retryable: true });
    expect(server.count('GET /api/v2/integrations/a')).toBe(3);
  });

  it('repeats a GET whose connection dropped', async () => {
    const server = await serve(firstThen(1, () => 'drop', ok));
    expect((await clientFor(server).getIntegration('a')).id).toBe('a');
    expect(server.count('GET /api/v2/integrations/a')).toBe(2);
  });

  it('reports Timeout for a GET that never gets an answer', async () => {
    const server = await serve(() => 'hang');
    const e = await failure(
      clientFor(server, { requestTimeoutMs: 50, retryPolicy: { ...FAST_RETRIES, maxAttempts: 2 } }).getIntegration('a'),
    );
    expect(e).toMatchObject({ code: 'Timeout', retryable: true });
    expect(server.count('GET /api/v2/integrations/a')).toBe(2);
  });

  it('waits out a 429 without Retry-After for the default pause, then succeeds', async () => {
    const clock = fakeClock();
    const server = await serve(firstThen(1, () => ({ status: 429, body: { code: 'too.many.requests.retry.after' } }), ok));
    const client = clientFor(server, { now: clock.now, sleep: clock.sleep, retryPolicy: { defaultRetryAfterMs: 7_000 } });
    await client.getIntegration('a');
    expect(client.stats().rateLimited).toBe(1);
    expect(client.stats().budgetWaitMs).toBeGreaterThanOrEqual(7_000);
  });

  it('reports RateLimited with the wait when Retry-After is longer than a call should wait', async () => {
    const server = await serve(() => ({ status: 429, headers: { 'retry-after': '600' }, body: { message: 'Rate limit exceeded' } }));
    const e = await failure(clientFor(server).getIntegration('a'));
    expect(e).toMatchObject({ code: 'RateLimited', retryAfterMs: 600_000, retryable: true });
    expect(server.count('GET /api/v2/integrations/a')).toBe(1);
  });

  it('repeats a create refused with 429: the platform did not process it', async () => {
    const clock = fakeClock();
    const server = await serve(
      firstThen(
        1,
        () => ({ status: 429, headers: { 'retry-after': '2' } }),
        () => ({ status: 200, body: integrationBody('new') }),
      ),
    );
    const client = clientFor(server, { now: clock.now, sleep: clock.sleep });
    expect((await client.createIntegration({ integrationTypeId: 'custom-rest-actions' })).id).toBe('new');
    expect(server.count('POST /api/v2/integrations')).toBe(2);
  });
});

describe('creates are never repeated blindly', () => {
  const creates = [
    {
      name: 'integration',
      route: 'POST /api/v2/integrations',
      call: (c: PlatformClient) => c.createIntegration({ integrationTypeId: 't' }),
    },
    {
      name: 'credential',
      route: 'POST /api/v2/integrations/credentials',
      call: (c: PlatformClient) => c.createCredential({ name: 'n', typeName: 'basicAuth', fields: { userName: 'u', password: 'pw-1234' } }),
    },
  ];

  it.each(creates)('reports UnknownOutcome for a $name create answered 5xx, sent once', async ({ route, call }) => {
    const server = await serve(() => ({ status: 500, body: { message: 'oops' } }));
    const e = await failure(call(clientFor(server)));
    expect(e).toMatchObject({ code: 'UnknownOutcome', status: 500, retryable: true });
    expect(server.count(route)).toBe(1);
  });

  it.each(creates)('reports UnknownOutcome for a $name create whose connection dropped, sent once', async ({ route, call }) => {
    const server = await serve(() => 'drop');
    const e = await failure(call(clientFor(server)));
    expect(e.code).toBe('UnknownOutcome');
    expect(server.count(route)).toBe(1);
  });

  it.each(creates)('reports UnknownOutcome for a $name create that timed out, sent once', async ({ route, call }) => {
    const server = await serve(() => 'hang');
    const e = await failure(call(clientFor(server, { requestTimeoutMs: 50 })));
    expect(e.code).toBe('UnknownOutcome');
    expect(server.count(route)).toBe(1);
  });

  it('retries a create that could not connect at all: nothing was sent', async () => {
    const server = await serve(ok);
    const loginUrl = server.baseUrl;
    // A port nobody listens on: the connection is refused before the request leaves.
    const dead = await startLoopback(ok);
    const deadUrl = dead.baseUrl;
    await dead.close();
    const client = createPlatformClient({
      endpoints: { apiBaseUrl: deadUrl, loginBaseUrl: loginUrl },
      clientId: 'client-id',
      clientSecret: SECRET,
      retryPolicy: { ...FAST_RETRIES, maxAttempts: 2 },
    });
    const e = await failure(client.createIntegration({ integrationTypeId: 't' }));
    expect(e.code).toBe('Unavailable');
    expect(client.stats().calls['POST /api/v2/integrations']).toEqual({ network: 2 });
  });
});

describe('errors', () => {
  it('carries the platform message, code and context id but never a credential value', async () => {
    const server = await serve(() => ({
      status: 400,
      body: { message: 'password pw-secret-9 is not allowed', code: 'bad.request', contextId: 'ctx-1' },
    }));
    const e = await failure(
      clientFor(server).updateCredential('c1', { name: 'n', typeName: 'basicAuth', fields: { password: 'pw-secret-9' } }),
    );
    expect(e).toMatchObject({ code: 'Invalid', status: 400, platformCode: 'bad.request', contextId: 'ctx-1', retryable: false });
    expect(e.message).toContain('is not allowed');
    expect(e.message).not.toContain('pw-secret-9');
    expect(e.message).toContain('PUT /api/v2/integrations/credentials/{id}');
  });

  it('reports QuotaExceeded for an install-limit answer', async () => {
    const server = await serve(() => ({
      status: 400,
      body: { code: 'max.instances.reached', message: 'Maximum number of instances (10) reached for integration type t' },
    }));
    const e = await failure(clientFor(server).createIntegration({ integrationTypeId: 't' }));
    expect(e).toMatchObject({ code: 'QuotaExceeded', retryable: false });
    expect(e.message).toContain('Maximum number of instances (10)');
  });

  it('reports NotFound for a delete of something already gone', async () => {
    const server = await serve(() => ({ status: 404, body: { code: 'not.found' } }));
    expect((await failure(clientFor(server).deleteIntegration('gone'))).code).toBe('NotFound');
    expect((await failure(clientFor(server).deleteCredential('gone'))).code).toBe('NotFound');
  });

  it('reports BadResponse naming the fields, not their values, when an answer does not fit', async () => {
    const server = await serve(() => ({ status: 200, body: { id: 42, name: 'secretish-value', integrationType: {} } }));
    const e = await failure(clientFor(server).getIntegration('a'));
    expect(e.code).toBe('BadResponse');
    expect(e.message).toContain('integrationType.id');
    expect(e.message).not.toContain('secretish-value');
  });
});

describe('observation', () => {
  it('reports every attempt with its route template, status, retry flag and budget wait', async () => {
    const seen: CallObservation[] = [];
    const server = await serve(firstThen(1, () => ({ status: 503 }), ok));
    await clientFor(server, { observe: (o) => seen.push(o) }).getIntegration('abc');
    expect(seen.map((o) => [o.method, o.route, o.status, o.retry])).toEqual([
      ['POST', '/oauth/token', 200, false],
      ['GET', '/api/v2/integrations/{id}', 503, false],
      ['GET', '/api/v2/integrations/{id}', 200, true],
    ]);
    expect(seen.every((o) => o.durationMs >= 0 && o.budgetWaitMs >= 0)).toBe(true);
  });

  it('still answers when the observe hook throws', async () => {
    const server = await serve(ok);
    const client = clientFor(server, {
      observe: () => {
        throw new Error('metrics broke');
      },
    });
    expect((await client.getIntegration('a')).id).toBe('a');
  });
});
