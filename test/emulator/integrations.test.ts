import { describe, expect, it } from 'vitest';
import { connect, entityIds, ERROR_BODY_KEYS, keysOf, useEmulator, type Api } from './harness.ts';

const start = useEmulator();

const WEB = 'custom-rest-actions';
const create = (api: Api, body: Record<string, unknown>) => api('POST', '/api/v2/integrations', body);

describe('creating integrations', () => {
  it('creates a disabled, inactive integration in the Integration shape', async () => {
    const api = await connect(await start());
    const created = await create(api, { name: 'Orders', integrationType: { id: WEB } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      name: 'Orders',
      integrationType: { id: WEB, name: 'Web Services Data Actions' },
      notes: 'node_dynamodb_empty_string',
      intendedState: 'DISABLED',
      config: { current: { name: 'Orders', version: 1, properties: { clientCertificateAuthority: 'Genesys Cloud' }, credentials: {} } },
      reportedState: { code: 'INACTIVE', effective: 'Inactive', detail: expect.any(Object), lastUpdated: expect.any(String) },
      attributes: {},
      selfUri: `/api/v2/integrations/${created.body.id}`,
    });
    const read = await api('GET', `/api/v2/integrations/${created.body.id}`);
    expect(read.body).toEqual(created.body);
  });

  it('numbers the default name when it is taken, as Terraform-style creates without a name see', async () => {
    const api = await connect(await start());
    const names = [];
    for (let i = 0; i < 3; i += 1) names.push((await create(api, { integrationType: { id: 'zendesk-data-actions' } })).body.name);
    expect(names).toEqual(['Zendesk Data Actions', 'Zendesk Data Actions 2', 'Zendesk Data Actions 3']);
  });

  it('reuses a freed number once the integration that held it is deleted', async () => {
    const api = await connect(await start());
    await create(api, { integrationType: { id: WEB } });
    const second = await create(api, { integrationType: { id: WEB } });
    await api('DELETE', `/api/v2/integrations/${second.body.id}`);
    expect((await create(api, { integrationType: { id: WEB } })).body.name).toBe('Web Services Data Actions 2');
  });

  it('keeps a given name even when another integration carries it', async () => {
    const api = await connect(await start());
    await create(api, { name: 'Same', integrationType: { id: WEB } });
    expect((await create(api, { name: 'Same', integrationType: { id: WEB } })).body.name).toBe('Same');
  });

  it.each([
    ['an unknown type', { integrationType: { id: 'nope' } }],
    ['no type', { name: 'x' }],
    ['a non-string name', { name: 5, integrationType: { id: WEB } }],
  ])('answers 400 for %s', async (_case, body) => {
    const api = await connect(await start());
    const result = await create(api, body);
    expect(result.status).toBe(400);
    expect(keysOf(result.body)).toEqual(ERROR_BODY_KEYS);
    expect(result.headers.get('inin-correlation-id')).toBe(result.body.contextId);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    const response = await fetch(`${emulator.baseUrl}/api/v2/integrations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${api.token}`, 'Content-Type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
  });

  it('refuses to install past maxInstances for the type with max.instances.reached', async () => {
    const api = await connect(await start({ installLimits: { 'aws-lambda-data-actions': 2 } }));
    await create(api, { integrationType: { id: 'aws-lambda-data-actions' } });
    await create(api, { integrationType: { id: 'aws-lambda-data-actions' } });
    const third = await create(api, { integrationType: { id: 'aws-lambda-data-actions' } });
    expect(third.status).toBe(400);
    expect(third.body).toMatchObject({
      code: 'max.instances.reached',
      message: 'Maximum number of instances (2) reached for integration type aws-lambda-data-actions',
    });
    // Other types are not affected.
    expect((await create(api, { integrationType: { id: WEB } })).status).toBe(200);
  });

  it('enforces the admin guide limit of 10 Zendesk integrations by default', async () => {
    const api = await connect(await start());
    for (let i = 0; i < 10; i += 1) expect((await create(api, { integrationType: { id: 'zendesk-data-actions' } })).status).toBe(200);
    expect((await create(api, { integrationType: { id: 'zendesk-data-actions' } })).body.code).toBe('max.instances.reached');
  });
});

describe('turning integrations on and off', () => {
  it('goes ACTIVATING then ACTIVE, and DEACTIVATING then INACTIVE, after the transition delay', async () => {
    const emulator = await start({ stateTransitionMs: 5_000 });
    const api = await connect(emulator);
    const { id } = (await create(api, { integrationType: { id: WEB } })).body;
    const enabled = await api('PATCH', `/api/v2/integrations/${id}`, { intendedState: 'ENABLED' });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ intendedState: 'ENABLED', reportedState: { code: 'ACTIVATING' } });
    emulator.control.advanceClock(5_000);
    expect((await api('GET', `/api/v2/integrations/${id}`)).body.reportedState.code).toBe('ACTIVE');
    const disabled = await api('PATCH', `/api/v2/integrations/${id}`, { intendedState: 'DISABLED' });
    expect(disabled.body).toMatchObject({ intendedState: 'DISABLED', reportedState: { code: 'DEACTIVATING' } });
    emulator.control.advanceClock(5_000);
    expect((await api('GET', `/api/v2/integrations/${id}`)).body.reportedState).toMatchObject({ code: 'INACTIVE', effective: 'Inactive' });
  });

  it('reaches the state at once when the transition delay is zero', async () => {
    const api = await connect(await start({ stateTransitionMs: 0 }));
    const { id } = (await create(api, { integrationType: { id: WEB } })).body;
    expect((await api('PATCH', `/api/v2/integrations/${id}`, { intendedState: 'ENABLED' })).body.reportedState.code).toBe('ACTIVE');
  });

  it('ignores fields other than intendedState in a PATCH', async () => {
    const api = await connect(await start());
    const { id } = (await create(api, { name: 'Kept', integrationType: { id: WEB } })).body;
    const patched = await api('PATCH', `/api/v2/integrations/${id}`, { name: 'Changed', notes: 'n', intendedState: 'DISABLED' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Kept', notes: 'node_dynamodb_empty_string' });
  });

  it.each([['DELETED'], ['ON'], [true]])('answers 400 for intendedState %j', async (intendedState) => {
    const api = await connect(await start());
    const { id } = (await create(api, { integrationType: { id: WEB } })).body;
    expect((await api('PATCH', `/api/v2/integrations/${id}`, { intendedState })).status).toBe(400);
  });
});

describe('deleting integrations', () => {
  it('returns the integration, then answers 404, and keeps its credentials', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    const { id } = (await create(api, { integrationType: { id: WEB } })).body;
    const credential = await api('POST', '/api/v2/integrations/credentials', {
      name: 'c',
      type: { name: 'basicAuth' },
      credentialFields: { userName: 'u', password: 'p' },
    });
    const config = (await api('GET', `/api/v2/integrations/${id}/config/current`)).body;
    await api('PUT', `/api/v2/integrations/${id}/config/current`, { ...config, credentials: { basicAuth: { id: credential.body.id } } });
    const deleted = await api('DELETE', `/api/v2/integrations/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id, config: { current: { credentials: { basicAuth: { id: credential.body.id } } } } });
    expect((await api('GET', `/api/v2/integrations/${id}`)).status).toBe(404);
    expect((await api('DELETE', `/api/v2/integrations/${id}`)).status).toBe(404);
    expect((await api('GET', `/api/v2/integrations/credentials/${credential.body.id}`)).status).toBe(200);
  });

  it('keeps a deleted integration visible to reads for deleteVisibleMs, while writes see it gone', async () => {
    const emulator = await start({ deleteVisibleMs: 10_000 });
    const api = await connect(emulator);
    const { id } = (await create(api, { integrationType: { id: WEB } })).body;
    await api('DELETE', `/api/v2/integrations/${id}`);
    expect((await api('GET', `/api/v2/integrations/${id}`)).status).toBe(200);
    expect((await api('GET', '/api/v2/integrations')).body.total).toBe(1);
    expect((await api('PATCH', `/api/v2/integrations/${id}`, { intendedState: 'ENABLED' })).status).toBe(404);
    emulator.control.advanceClock(10_000);
    expect((await api('GET', `/api/v2/integrations/${id}`)).status).toBe(404);
    expect((await api('GET', '/api/v2/integrations')).body.total).toBe(0);
  });

  it('answers 404 in the ErrorBody shape for an unknown id', async () => {
    const api = await connect(await start());
    const missing = await api('GET', '/api/v2/integrations/00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 404, code: 'not.found', details: [{ entityId: '00000000-0000-0000-0000-000000000000' }] });
  });
});

describe('listing integrations', () => {
  async function seedThree(api: Api): Promise<string[]> {
    const ids: string[] = [];
    for (const type of [WEB, WEB, 'salesforce-datadip']) ids.push(String((await create(api, { integrationType: { id: type } })).body.id));
    return ids;
  }

  it('returns the full IntegrationEntityListing envelope with page links', async () => {
    const api = await connect(await start());
    const ids = await seedThree(api);
    const first = await api('GET', '/api/v2/integrations?pageSize=2');
    expect(first.body).toMatchObject({
      pageSize: 2,
      pageNumber: 1,
      total: 3,
      pageCount: 2,
      firstUri: '/api/v2/integrations?pageSize=2&pageNumber=1',
      selfUri: '/api/v2/integrations?pageSize=2&pageNumber=1',
      nextUri: '/api/v2/integrations?pageSize=2&pageNumber=2',
      lastUri: '/api/v2/integrations?pageSize=2&pageNumber=2',
    });
    expect(first.body.previousUri).toBeUndefined();
    const second = await api('GET', String(first.body.nextUri));
    expect(second.body.nextUri).toBeUndefined();
    expect([...first.body.entities, ...second.body.entities].map((i: { id: string }) => i.id)).toEqual(ids);
    const beyond = await api('GET', '/api/v2/integrations?pageSize=2&pageNumber=3');
    expect(beyond.body.entities).toEqual([]);
  });

  it('defaults pageSize to 25', async () => {
    const api = await connect(await start());
    expect((await api('GET', '/api/v2/integrations')).body).toMatchObject({ pageSize: 25, pageNumber: 1, total: 0, entities: [] });
  });

  it.each([['pageSize=0'], ['pageSize=1000'], ['pageSize=abc'], ['pageNumber=0'], ['reportedState=SLEEPING']])(
    'answers 400 for %s',
    async (query) => {
      const api = await connect(await start());
      expect((await api('GET', `/api/v2/integrations?${query}`)).status).toBe(400);
    },
  );

  it('filters by integrationType, ids and reportedState (case-insensitive)', async () => {
    const api = await connect(await start({ stateTransitionMs: 0 }));
    const [a, b, c] = await seedThree(api);
    await api('PATCH', `/api/v2/integrations/${b}`, { intendedState: 'ENABLED' });
    const ids = async (query: string): Promise<string[]> => entityIds((await api('GET', `/api/v2/integrations?${query}`)).body);
    expect(await ids(`integrationType=${WEB}`)).toEqual([a, b]);
    expect(await ids(`ids=${c},${a}`)).toEqual([a, c]);
    expect(await ids('reportedState=active')).toEqual([b]);
    expect(await ids(`reportedState=INACTIVE&integrationType=${WEB}`)).toEqual([a]);
  });

  it('leaves a new integration out of lists for listLagMs while GET by id finds it', async () => {
    const emulator = await start({ listLagMs: 2_000 });
    const api = await connect(emulator);
    const { id } = (await create(api, { integrationType: { id: WEB } })).body;
    expect((await api('GET', `/api/v2/integrations/${id}`)).status).toBe(200);
    expect((await api('GET', '/api/v2/integrations')).body.total).toBe(0);
    emulator.control.advanceClock(2_000);
    expect(entityIds((await api('GET', '/api/v2/integrations')).body)).toEqual([id]);
  });
});

describe('organization', () => {
  it('tells who the token belongs to', async () => {
    const api = await connect(await start({ organization: { id: 'org-1', name: 'Acme' } }));
    expect((await api('GET', '/api/v2/organizations/me')).body).toMatchObject({ id: 'org-1', name: 'Acme' });
  });
});
