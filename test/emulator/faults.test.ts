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

  it('delays a seeded share of calls, the same calls for the same seed', async () => {
    const delayedCalls = async (seed: number): Promise<number[]> => {
      const emulator = await start();
      const api = await connect(emulator);
      emulator.control.addFault({ route: 'GET /api/v2/integrations', kind: 'latencySpike', fraction: 0.5, latencyMs: 30, seed });
      const delayed: number[] = [];
      for (let i = 0; i < 12; i += 1) {
        const before = emulator.control.faults()[0]?.hits ?? 0;
        const began = performance.now();
        expect((await api('GET', '/api/v2/integrations')).status).toBe(200);
        if ((emulator.control.faults()[0]?.hits ?? 0) > before) {
          expect(performance.now() - began).toBeGreaterThanOrEqual(25);
          delayed.push(i);
        }
      }
      return delayed;
    };
    const first = await delayedCalls(42);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(12);
    expect(await delayedCalls(42)).toEqual(first);
  });

  it('stops spiking after `times` delayed calls', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    emulator.control.addFault({ route: '*', kind: 'latencySpike', fraction: 1, latencyMs: 10, times: 2 });
    for (let i = 0; i < 3; i += 1) await api('GET', '/api/v2/integrations');
    expect(emulator.control.faults()).toEqual([]);
  });

  it.each([
    ['POST /api/v2/integrations'],
    ['PATCH /api/v2/integrations/{id}'],
    ['DELETE /api/v2/integrations/{id}'],
    ['PUT /api/v2/integrations/{id}/config/current'],
    ['POST /api/v2/integrations/credentials'],
    ['PUT /api/v2/integrations/credentials/{id}'],
    ['DELETE /api/v2/integrations/credentials/{id}'],
  ])('commits then drops on the write route %s', async (route) => {
    const emulator = await start({ stateTransitionMs: 0 });
    const api = await connect(emulator);
    const credential = (name: string) => ({ name, type: { name: 'basicAuth' }, credentialFields: { userName: 'svc' } });
    const { id } = (await api('POST', '/api/v2/integrations', { name: 'Before', ...WEB })).body;
    const { id: credentialId } = (await api('POST', '/api/v2/integrations/credentials', credential('before'))).body;
    const config = (await api('GET', `/api/v2/integrations/${id}/config/current`)).body;
    emulator.control.addFault({ route, kind: 'commitThenDrop', times: 1 });
    const calls: Record<string, () => Promise<unknown>> = {
      'POST /api/v2/integrations': () => api('POST', '/api/v2/integrations', { name: 'After', ...WEB }),
      'PATCH /api/v2/integrations/{id}': () => api('PATCH', `/api/v2/integrations/${id}`, { intendedState: 'ENABLED' }),
      'DELETE /api/v2/integrations/{id}': () => api('DELETE', `/api/v2/integrations/${id}`),
      'PUT /api/v2/integrations/{id}/config/current': () =>
        api('PUT', `/api/v2/integrations/${id}/config/current`, { ...config, name: 'After' }),
      'POST /api/v2/integrations/credentials': () => api('POST', '/api/v2/integrations/credentials', credential('after')),
      'PUT /api/v2/integrations/credentials/{id}': () =>
        api('PUT', `/api/v2/integrations/credentials/${credentialId}`, credential('after')),
      'DELETE /api/v2/integrations/credentials/{id}': () => api('DELETE', `/api/v2/integrations/credentials/${credentialId}`),
    };
    const before = JSON.stringify(emulator.control.state().integrations) + JSON.stringify(emulator.control.state().credentials);
    await expect(calls[route]!()).rejects.toThrow();
    const after = JSON.stringify(emulator.control.state().integrations) + JSON.stringify(emulator.control.state().credentials);
    // The platform made the change although the client got no answer.
    expect(after).not.toBe(before);
    expect(emulator.control.calls().byRoute[route]?.byStatus.dropped).toBe(1);
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
    [{ route: CREATE, kind: 'latencySpike', fraction: 2 }],
    [{ route: CREATE, kind: 'listShift', shift: 0 }],
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
