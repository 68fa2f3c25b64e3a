// Create calls are not idempotent: what they report when their outcome is unclear, and that a create which
// could not leave in time is not sent at all (the caller's grace period for finding it then holds).
import { afterEach, describe, expect, it } from 'vitest';
import { createPlatformClient, isPlatformError } from '../../../src/platform/index.ts';
import type { PlatformClient } from '../../../src/platform/index.ts';
import { grantTokens, startLoopback } from './loopback.ts';
import type { Handler, Loopback } from './loopback.ts';

let servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function clientServing(api: Handler): Promise<{ client: PlatformClient; server: Loopback }> {
  const login = grantTokens();
  const server = await startLoopback((r) => (r.path === '/oauth/token' ? login.handle(r) : api(r)));
  servers.push(server);
  const client = createPlatformClient({
    endpoints: { apiBaseUrl: server.baseUrl, loginBaseUrl: server.baseUrl },
    clientId: 'id',
    clientSecret: 'secret',
    requestsPerMinute: 60_000,
    retryPolicy: { baseDelayMs: 1, maxDelayMs: 2 },
  });
  return { client, server };
}

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'none';
  } catch (error) {
    return isPlatformError(error) ? error.code : 'not a PlatformError';
  }
}

const posts = (server: Loopback, path: string): number => server.requests.filter((r) => r.method === 'POST' && r.path === path).length;

describe('create calls', () => {
  it.each([
    { what: 'an integration', path: '/api/v2/integrations' },
    { what: 'a credential', path: '/api/v2/integrations/credentials' },
  ])('reports a create of $what answered 2xx with an unreadable body as UnknownOutcome: it may exist', async ({ path }) => {
    const { client } = await clientServing(() => ({ status: 200, body: { unexpected: true } }));
    const call =
      path === '/api/v2/integrations'
        ? client.createIntegration({ integrationTypeId: 'custom-rest-actions', name: 'x' })
        : client.createCredential({ name: 'x', typeName: 'basicAuth', fields: { userName: 'u' } });
    expect(await codeOf(call)).toBe('UnknownOutcome');
  });

  it('does not send a create that a 429 pause kept past its send deadline: NotSent, one POST received', async () => {
    const { client, server } = await clientServing((r) =>
      r.method === 'POST' ? { status: 429, headers: { 'retry-after': '1' }, body: {} } : { status: 404, body: {} },
    );
    const code = await codeOf(client.createIntegration({ integrationTypeId: 'custom-rest-actions', name: 'x' }, { sendWithinMs: 300 }));
    expect(code).toBe('NotSent');
    expect(posts(server, '/api/v2/integrations')).toBe(1);
  });

  it('sends a create whose deadline holds, after a 429 pause shorter than it', async () => {
    let answered = 0;
    const { client, server } = await clientServing((r) => {
      if (r.method !== 'POST') return { status: 404, body: {} };
      answered += 1;
      return answered === 1
        ? { status: 429, headers: { 'retry-after': '0' }, body: {} }
        : { status: 200, body: { id: 'new', name: 'x', integrationType: { id: 'custom-rest-actions' } } };
    });
    const created = await client.createIntegration({ integrationTypeId: 'custom-rest-actions', name: 'x' }, { sendWithinMs: 5_000 });
    expect(created.id).toBe('new');
    expect(posts(server, '/api/v2/integrations')).toBe(2);
  });
});
