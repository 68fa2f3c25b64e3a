import { describe, expect, it } from 'vitest';
import { connect, useEmulator } from './harness.ts';

const start = useEmulator();

describe('rate limit per token', () => {
  it('answers the normalized 429 once a token has used its requests for the minute', async () => {
    const emulator = await start({ requestsPerMinute: 3 });
    const api = await connect(emulator);
    for (let i = 0; i < 3; i += 1) expect((await api('GET', '/api/v2/integrations')).status).toBe(200);
    const limited = await api('GET', '/api/v2/integrations');
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const correlationId = limited.headers.get('inin-correlation-id');
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    // The exact body of docs/platform-facts.md §6, key order included.
    expect(JSON.stringify(limited.body)).toBe(
      JSON.stringify({
        message: `Rate limit exceeded the maximum. Retry the request in [${retryAfter}] seconds`,
        code: 'too.many.requests.retry.after',
        status: 429,
        contextId: correlationId,
        details: [],
        errors: [],
      }),
    );
  });

  it('counts each token separately', async () => {
    const emulator = await start({ requestsPerMinute: 1 });
    const first = await connect(emulator);
    const second = await connect(emulator);
    expect((await first('GET', '/api/v2/integrations')).status).toBe(200);
    expect((await first('GET', '/api/v2/integrations')).status).toBe(429);
    expect((await second('GET', '/api/v2/integrations')).status).toBe(200);
  });

  it('admits calls again as the oldest ones leave the sliding minute', async () => {
    const emulator = await start({ requestsPerMinute: 2 });
    const api = await connect(emulator);
    await api('GET', '/api/v2/integrations');
    emulator.control.advanceClock(30_000);
    await api('GET', '/api/v2/integrations');
    const limited = await api('GET', '/api/v2/integrations');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(30);
    emulator.control.advanceClock(30_001);
    expect((await api('GET', '/api/v2/integrations')).status).toBe(200);
    // The second call is still inside the window, so the limit is reached again.
    expect((await api('GET', '/api/v2/integrations')).status).toBe(429);
  });

  it('reports its budget in inin-ratelimit headers', async () => {
    const emulator = await start({ requestsPerMinute: 5 });
    const api = await connect(emulator);
    await api('GET', '/api/v2/integrations');
    const second = await api('GET', '/api/v2/integrations');
    expect(second.headers.get('inin-ratelimit-allowed')).toBe('5');
    expect(second.headers.get('inin-ratelimit-count')).toBe('2');
    expect(Number(second.headers.get('inin-ratelimit-reset'))).toBeGreaterThan(0);
  });

  it('does not limit logins', async () => {
    const emulator = await start({ requestsPerMinute: 1 });
    for (let i = 0; i < 3; i += 1) await connect(emulator);
    expect(emulator.control.calls().byRoute['POST /oauth/token']).toEqual({ count: 3, byStatus: { '200': 3 } });
  });
});
