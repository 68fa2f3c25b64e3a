import { describe, expect, it } from 'vitest';
import { call, connect, ERROR_BODY_KEYS, keysOf, login, useEmulator, type JsonBody } from './harness.ts';

const start = useEmulator();

async function token(baseUrl: string, authorization: string | undefined, body: string): Promise<{ status: number; body: JsonBody }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (authorization !== undefined) headers.Authorization = authorization;
  const response = await fetch(`${baseUrl}/oauth/token`, { method: 'POST', headers, body });
  return { status: response.status, body: await response.json() };
}

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('OAuth client credentials', () => {
  it('issues a bearer token that the API accepts', async () => {
    const emulator = await start({ tokenTtlSeconds: 600 });
    const granted = await login(emulator.baseUrl);
    expect(granted.status).toBe(200);
    expect(granted.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 600 });
    const org = await call(emulator.baseUrl, 'GET', '/api/v2/organizations/me', { token: granted.body.access_token });
    expect(org.status).toBe(200);
  });

  it('defaults the token lifetime to 86399 seconds', async () => {
    const emulator = await start();
    expect((await login(emulator.baseUrl)).body.expires_in).toBe(86399);
  });

  it('accepts only the configured clients', async () => {
    const emulator = await start({ clients: [{ clientId: 'ops', clientSecret: 's3cret' }] });
    expect((await login(emulator.baseUrl, 'ops', 's3cret')).status).toBe(200);
    expect((await login(emulator.baseUrl)).status).toBe(401);
  });

  it.each([
    ['a wrong secret', basic('emulator-client', 'wrong')],
    ['an unknown client', basic('nobody', 'emulator-secret')],
    ['no Authorization header', undefined],
    ['a bearer header', 'Bearer abc'],
  ])('answers 401 invalid_client for %s', async (_case, authorization) => {
    const emulator = await start();
    const result = await token(emulator.baseUrl, authorization, 'grant_type=client_credentials');
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ error: 'invalid_client', error_description: expect.any(String) });
  });

  it.each([['grant_type=password'], ['grant_type=authorization_code'], ['']])(
    'answers 400 unauthorized_client for the body %j',
    async (body) => {
      const emulator = await start();
      const result = await token(emulator.baseUrl, basic('emulator-client', 'emulator-secret'), body);
      expect(result.status).toBe(400);
      expect(result.body).toEqual({ error: 'unauthorized_client', description: expect.any(String), error_description: expect.any(String) });
    },
  );
});

describe('API authentication', () => {
  it.each([
    ['no token', undefined, 'authentication.required'],
    ['an unknown token', 'not-a-token', 'bad.credentials'],
  ])('answers 401 in the ErrorBody shape for %s', async (_case, bearer, code) => {
    const emulator = await start();
    const result = await call(emulator.baseUrl, 'GET', '/api/v2/integrations', bearer === undefined ? {} : { token: bearer });
    expect(result.status).toBe(401);
    expect(keysOf(result.body)).toEqual(ERROR_BODY_KEYS);
    expect(result.body).toMatchObject({ status: 401, code, contextId: result.headers.get('inin-correlation-id') });
  });

  it('rejects a token once its lifetime has passed', async () => {
    const emulator = await start({ tokenTtlSeconds: 300 });
    const api = await connect(emulator);
    expect((await api('GET', '/api/v2/integrations')).status).toBe(200);
    emulator.control.advanceClock(299_000);
    expect((await api('GET', '/api/v2/integrations')).status).toBe(200);
    emulator.control.advanceClock(1_000);
    const expired = await api('GET', '/api/v2/integrations');
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('bad.credentials');
  });

  it('rejects every issued token after the control API expires them, and a new login works', async () => {
    const emulator = await start();
    const first = await connect(emulator);
    const second = await connect(emulator);
    const expire = await call(emulator.baseUrl, 'POST', '/__emulator/tokens/expire');
    expect(expire.status).toBe(204);
    expect((await first('GET', '/api/v2/integrations')).status).toBe(401);
    expect((await second('GET', '/api/v2/integrations')).status).toBe(401);
    const fresh = await connect(emulator);
    expect((await fresh('GET', '/api/v2/integrations')).status).toBe(200);
    expect(emulator.control.state().tokens).toEqual({ issued: 3, valid: 1 });
  });
});
