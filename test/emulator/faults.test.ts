import { describe, expect, it } from 'vitest';
import { call, connect, ERROR_BODY_KEYS, keysOf, login, useEmulator } from './harness.ts';
import type { Emulator } from './index.ts';

const start = useEmulator();
const CREATE = 'POST /api/v2/integrations';
const WEB = { integrationType: { id: 'custom-rest-actions' } };

const addFault = (emulator: Emulator, fault: Record<string, unknown>) =>
  call(emulator.baseUrl, 'POST', '/__emulator/faults', { body: fault });

describe('faults', () => {
  it('answers a 5xx the given number of times, then serves normally', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    expect((await addFault(emulator, { route: CREATE, kind: 'status', status: 503, times: 2 })).status).toBe(201);
    const first = await api('POST', '/api/v2/integrations', WEB);
    expect(first.status).toBe(503);
    expect(keysOf(first.body)).toEqual(ERROR_BODY_KEYS);
    expect(first.headers.get('inin-correlation-id')).toBe(first.body.contextId);
    expect((await api('POST', '/api/v2/integrations', WEB)).status).toBe(503);
    expect((await api('POST', '/api/v2/integrations', WEB)).status).toBe(200);
    // The failed calls created nothing.
    expect(emulator.control.state().integrations).toHaveLength(1);
  });

  it('only hits the route it is aimed at', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    await addFault(emulator, { route: 'GET /api/v2/integrations/{id}', kind: 'status', status: 500 });
    const { id } = (await api('POST', '/api/v2/integrations', WEB)).body;
    expect((await api('GET', '/api/v2/integrations')).status).toBe(200);
    expect((await api('GET', `/api/v2/integrations/${id}`)).status).toBe(500);
    expect((await api('GET', `/api/v2/integrations/${id}`)).status).toBe(500);
  });

  it('storms 429 with Retry-After and the normalized body', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    await addFault(emulator, { route: '*', kind: 'rateLimit', times: 3, retryAfterSeconds: 7 });
    for (let i = 0; i < 3; i += 1) {
      const limited = await api('GET', '/api/v2/integrations');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(limited.body).toEqual({
        message: 'Rate limit exceeded the maximum. Retry the request in [7] seconds',
        code: 'too.many.requests.retry.after',
        status: 429,
        contextId: limited.headers.get('inin-correlation-id'),
        details: [],
        errors: [],
      });
    }
    expect((await api('GET', '/api/v2/integrations')).status).toBe(200);
  });

  it('delays a call by the given latency', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    await addFault(emulator, { route: 'GET /api/v2/integrations', kind: 'latency', latencyMs: 150, times: 1 });
    const began = performance.now();
    expect((await api('GET', '/api/v2/integrations')).status).toBe(200);
    expect(performance.now() - began).toBeGreaterThanOrEqual(140);
  });

  it('drops the connection before doing anything', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    await addFault(emulator, { route: CREATE, kind: 'drop', times: 1 });
    await expect(api('POST', '/api/v2/integrations', WEB)).rejects.toThrow();
    expect(emulator.control.state().integrations).toHaveLength(0);
  });

  it('commits the change and then drops the connection without a response', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    await addFault(emulator, { route: CREATE, kind: 'commitThenDrop', times: 1 });
    await expect(api('POST', '/api/v2/integrations', { name: 'Ghost', ...WEB })).rejects.toThrow();
    expect(emulator.control.state().integrations.map((i) => i.name)).toEqual(['Ghost']);
    expect(emulator.control.calls().byRoute[CREATE]).toEqual({ count: 1, byStatus: { dropped: 1 } });
  });

  it('can fail logins', async () => {
    const emulator = await start();
    await addFault(emulator, { route: 'POST /oauth/token', kind: 'status', status: 502, times: 1 });
    expect((await login(emulator.baseUrl)).status).toBe(502);
    expect((await login(emulator.baseUrl)).status).toBe(200);
  });

  it('lists active faults and forgets them all on DELETE', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    await addFault(emulator, { route: CREATE, kind: 'status' });
    const listed = await call(emulator.baseUrl, 'GET', '/__emulator/faults');
    expect(listed.body).toMatchObject([{ route: CREATE, kind: 'status', status: 503, remaining: null }]);
    expect((await call(emulator.baseUrl, 'DELETE', '/__emulator/faults')).status).toBe(204);
    expect((await api('POST', '/api/v2/integrations', WEB)).status).toBe(200);
  });

  it.each([
    [{ route: CREATE, kind: 'explode' }],
    [{ kind: 'status' }],
    [{ route: CREATE, kind: 'status', status: 200 }],
    [{ route: CREATE, kind: 'status', times: 0 }],
    [{ route: CREATE, kind: 'status', surprise: true }],
  ])('refuses the malformed fault %j', async (fault) => {
    const emulator = await start();
    const rejected = await addFault(emulator, fault);
    expect(rejected.status).toBe(400);
    expect(rejected.body.message).toContain('Invalid control request');
  });
});

describe('call counts', () => {
  it('counts calls per route template and per status', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    const { id } = (await api('POST', '/api/v2/integrations', WEB)).body;
    await api('GET', `/api/v2/integrations/${id}`);
    await api('GET', '/api/v2/integrations/unknown');
    await api('GET', `/api/v2/integrations/${id}/config/current`);
    await call(emulator.baseUrl, 'GET', '/api/v2/integrations');
    const counts = (await call(emulator.baseUrl, 'GET', '/__emulator/calls')).body;
    expect(counts.byRoute).toEqual({
      'POST /oauth/token': { count: 1, byStatus: { '200': 1 } },
      'POST /api/v2/integrations': { count: 1, byStatus: { '200': 1 } },
      'GET /api/v2/integrations/{id}': { count: 2, byStatus: { '200': 1, '404': 1 } },
      'GET /api/v2/integrations/{id}/config/current': { count: 1, byStatus: { '200': 1 } },
      'GET /api/v2/integrations': { count: 1, byStatus: { '401': 1 } },
    });
    expect(counts.byStatus).toEqual({ '200': 4, '404': 1, '401': 1 });
    expect(counts.total).toBe(6);
  });

  it('tells the types path apart from an integration id', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    await api('GET', '/api/v2/integrations/types');
    await api('GET', '/api/v2/integrations/credentials/listing');
    expect(Object.keys(emulator.control.calls().byRoute)).toEqual([
      'POST /oauth/token',
      'GET /api/v2/integrations/types',
      'GET /api/v2/integrations/credentials/listing',
    ]);
  });

  it('counts unknown paths under one unmatched key with a 404', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    const missing = await api('GET', '/api/v2/nothing/here');
    expect(missing.status).toBe(404);
    expect(emulator.control.calls().byRoute['GET (unmatched)']).toEqual({ count: 1, byStatus: { '404': 1 } });
  });
});
