import { describe, expect, it } from 'vitest';
import { connect, entityIds, ERROR_BODY_KEYS, keysOf, useEmulator, type Api } from './harness.ts';

const start = useEmulator();
const ACTIONS = '/api/v2/integrations/actions';

async function integration(api: Api, name = 'Orders'): Promise<string> {
  return String((await api('POST', '/api/v2/integrations', { name, integrationType: { id: 'custom-rest-actions' } })).body.id);
}

function lookup(integrationId: string, name = 'Get order'): Record<string, unknown> {
  return {
    name,
    category: 'Orders',
    integrationId,
    secure: false,
    contract: {
      input: { inputSchema: { type: 'object', properties: { orderId: { type: 'string' } } } },
      output: { successSchema: { type: 'object', properties: { status: { type: 'string' } } } },
    },
    config: {
      request: { requestUrlTemplate: 'https://orders.example.com/orders/${input.orderId}', requestType: 'GET', headers: {} },
      response: { translationMap: { status: '$.status' }, successTemplate: '{"status": ${status}}' },
      timeoutSeconds: 10,
    },
  };
}

describe('creating and reading actions', () => {
  it('answers 404 to GET by id right after an API create, while the listing shows it, until the read lag has passed', async () => {
    const emulator = await start({ readAfterWriteLagMs: 5_000 });
    const api = await connect(emulator);
    const { id } = (await api('POST', ACTIONS, lookup(await integration(api)))).body;
    expect((await api('GET', `${ACTIONS}/${id}`)).status).toBe(404);
    expect(entityIds((await api('GET', `${ACTIONS}?name=${encodeURIComponent('Get order')}`)).body)).toEqual([id]);
    emulator.control.advanceClock(5_000);
    expect((await api('GET', `${ACTIONS}/${id}`)).body.name).toBe('Get order');
  });

  it('leaves a new action out of listings for listLagMs while GET by id finds it', async () => {
    const emulator = await start({ listLagMs: 2_000 });
    const api = await connect(emulator);
    const { id } = (await api('POST', ACTIONS, lookup(await integration(api)))).body;
    expect(entityIds((await api('GET', `${ACTIONS}?name=${encodeURIComponent('Get order')}`)).body)).toEqual([]);
    expect((await api('GET', `${ACTIONS}/${id}`)).status).toBe(200);
    emulator.control.advanceClock(2_000);
    expect(entityIds((await api('GET', ACTIONS)).body)).toEqual([id]);
  });

  it('creates a published action at version 1 in the Action shape', async () => {
    const api = await connect(await start());
    const created = await api('POST', ACTIONS, lookup(await integration(api)));
    expect(created.status).toBe(200);
    expect(keysOf(created.body)).toEqual(['id', 'name', 'integrationId', 'category', 'contract', 'version', 'secure', 'config', 'selfUri']);
    expect(created.body).toMatchObject({ name: 'Get order', category: 'Orders', version: 1, secure: false });
  });

  it('leaves out the contract and config unless expand=contract and includeConfig=true ask for them', async () => {
    const api = await connect(await start());
    const { id } = (await api('POST', ACTIONS, lookup(await integration(api)))).body;
    expect(keysOf((await api('GET', `${ACTIONS}/${id}`)).body)).toEqual([
      'id',
      'name',
      'integrationId',
      'category',
      'version',
      'secure',
      'selfUri',
    ]);
    const full = await api('GET', `${ACTIONS}/${id}?expand=contract&includeConfig=true`);
    expect(full.body.contract.input.inputSchema.type).toBe('object');
    expect(full.body.config.request.requestType).toBe('GET');
  });

  it('serves the published request and success templates by file name, and no other name', async () => {
    const api = await connect(await start());
    const body = lookup(await integration(api));
    (body.config as { request: Record<string, unknown> }).request.requestTemplate = '${input.rawRequest}';
    const { id } = (await api('POST', ACTIONS, body)).body;
    expect((await api('GET', `${ACTIONS}/${id}/templates/requesttemplate.vm`)).body).toBe('${input.rawRequest}');
    expect((await api('GET', `${ACTIONS}/${id}/templates/successtemplate.vm`)).body).toBe('{"status": ${status}}');
    expect((await api('GET', `${ACTIONS}/${id}/templates/other.vm`)).status).toBe(404);
  });

  it('refuses a second action of one name on one integration, naming the field', async () => {
    const api = await connect(await start());
    const integrationId = await integration(api);
    await api('POST', ACTIONS, lookup(integrationId));
    const duplicate = await api('POST', ACTIONS, lookup(integrationId));
    expect(duplicate.status).toBe(400);
    expect(keysOf(duplicate.body)).toEqual(ERROR_BODY_KEYS);
    expect(duplicate.body.details).toEqual([{ errorCode: 'invalid.value', fieldName: 'name' }]);
  });

  it('allows one name on two integrations', async () => {
    const api = await connect(await start());
    await api('POST', ACTIONS, lookup(await integration(api, 'A')));
    expect((await api('POST', ACTIONS, lookup(await integration(api, 'B')))).status).toBe(200);
  });

  it.each([
    ['an unknown integration', { integrationId: 'nope' }],
    ['no name', { name: undefined }],
    ['an input contract that is not an object schema', { contract: { input: { inputSchema: { type: 'string' } }, output: {} } }],
  ])('answers 400 for %s', async (_case, change) => {
    const api = await connect(await start());
    const result = await api('POST', ACTIONS, { ...lookup(await integration(api)), ...change });
    expect(result.status).toBe(400);
  });

  it('lists actions filtered by name, category and integration', async () => {
    const api = await connect(await start());
    const a = await integration(api, 'A');
    const first = (await api('POST', ACTIONS, lookup(a, 'One'))).body.id;
    const second = (await api('POST', ACTIONS, { ...lookup(a, 'Two'), category: 'Other' })).body.id;
    const elsewhere = (await api('POST', ACTIONS, lookup(await integration(api, 'B'), 'One'))).body.id;
    expect(entityIds((await api('GET', `${ACTIONS}?name=One`)).body).sort()).toEqual([first, elsewhere].sort());
    expect(entityIds((await api('GET', `${ACTIONS}?category=Other`)).body)).toEqual([second]);
    expect(entityIds((await api('GET', `${ACTIONS}?integrationId=${a}`)).body)).toEqual([first, second]);
  });

  it('deletes an action, and its integration takes its actions with it', async () => {
    const api = await connect(await start());
    const integrationId = await integration(api);
    const one = (await api('POST', ACTIONS, lookup(integrationId, 'One'))).body.id;
    const two = (await api('POST', ACTIONS, lookup(integrationId, 'Two'))).body.id;
    expect((await api('DELETE', `${ACTIONS}/${one}`)).status).toBe(204);
    expect((await api('GET', `${ACTIONS}/${one}`)).status).toBe(404);
    await api('DELETE', `/api/v2/integrations/${integrationId}`);
    expect((await api('GET', `${ACTIONS}/${two}`)).status).toBe(404);
  });
});

describe('patching with a version', () => {
  it('patches at the current version and moves it', async () => {
    const api = await connect(await start());
    const { id } = (await api('POST', ACTIONS, lookup(await integration(api)))).body;
    const patched = await api('PATCH', `${ACTIONS}/${id}`, { name: 'Renamed', version: 1 });
    expect(patched.body).toMatchObject({ name: 'Renamed', version: 2 });
  });

  it('answers 409 for a stale version and changes nothing', async () => {
    const api = await connect(await start());
    const { id } = (await api('POST', ACTIONS, lookup(await integration(api)))).body;
    await api('PATCH', `${ACTIONS}/${id}`, { name: 'Renamed', version: 1 });
    const stale = await api('PATCH', `${ACTIONS}/${id}`, { name: 'Again', version: 1 });
    expect(stale.status).toBe(409);
    expect((await api('GET', `${ACTIONS}/${id}`)).body.name).toBe('Renamed');
  });
});

describe('drafts, validation and publishing', () => {
  async function withDraft(api: Api): Promise<string> {
    const { id } = (await api('POST', ACTIONS, lookup(await integration(api)))).body;
    expect((await api('POST', `${ACTIONS}/${id}/draft`)).status).toBe(200);
    return String(id);
  }

  it('publishes a valid draft as the next version, leaving no draft', async () => {
    const api = await connect(await start());
    const id = await withDraft(api);
    const config = { ...(lookup('x').config as object), timeoutSeconds: 30 };
    const patched = await api('PATCH', `${ACTIONS}/${id}/draft`, { config, version: 1 });
    expect(patched.body.version).toBe(2);
    expect((await api('GET', `${ACTIONS}/${id}/draft/validation`)).body).toEqual({ valid: true, errors: [] });
    const published = await api('POST', `${ACTIONS}/${id}/draft/publish`, { version: 2 });
    expect(published.body).toMatchObject({ version: 2, config: { timeoutSeconds: 30 } });
  });

  it('reports an invalid draft, refuses to publish it, and leaves the published action as it was', async () => {
    const api = await connect(await start());
    const id = await withDraft(api);
    const broken = {
      request: { requestType: 'GET', requestTemplate: '#if($input.x) missing end' },
      response: { translationMap: { s: 'status' } },
    };
    await api('PATCH', `${ACTIONS}/${id}/draft`, { config: broken, version: 1 });
    const validation = (await api('GET', `${ACTIONS}/${id}/draft/validation`)).body;
    expect(validation.valid).toBe(false);
    expect(validation.errors.map((e: { message: string }) => e.message)).toEqual([
      'config.response.translationMap.s is not a JSON path',
      'config.request.requestTemplate: 1 block directive(s) but 0 #end',
    ]);
    expect((await api('POST', `${ACTIONS}/${id}/draft/publish`, { version: 2 })).status).toBe(400);
    const published = (await api('GET', `${ACTIONS}/${id}?includeConfig=true`)).body;
    expect(published).toMatchObject({ version: 1, config: { timeoutSeconds: 10 } });
  });

  it('answers 409 to a second draft and to a publish of a stale draft version', async () => {
    const api = await connect(await start());
    const id = await withDraft(api);
    expect((await api('POST', `${ACTIONS}/${id}/draft`)).status).toBe(409);
    await api('PATCH', `${ACTIONS}/${id}/draft`, { category: 'New', version: 1 });
    expect((await api('POST', `${ACTIONS}/${id}/draft/publish`, { version: 1 })).status).toBe(409);
  });

  it('deletes a draft', async () => {
    const api = await connect(await start());
    const id = await withDraft(api);
    expect((await api('DELETE', `${ACTIONS}/${id}/draft`)).status).toBe(204);
  });
});

describe('testing an action', () => {
  it('renders the request URL from the input', async () => {
    const api = await connect(await start());
    const { id } = (await api('POST', ACTIONS, lookup(await integration(api)))).body;
    const result = (await api('POST', `${ACTIONS}/${id}/test`, { orderId: 'A-1' })).body;
    expect(result.success).toBe(true);
    expect(result.operations[0]).toMatchObject({ success: true, result: 'https://orders.example.com/orders/A-1' });
  });

  it('fails when the template refers to an input that was not given', async () => {
    const api = await connect(await start());
    const { id } = (await api('POST', ACTIONS, lookup(await integration(api)))).body;
    const result = (await api('POST', `${ACTIONS}/${id}/test`, {})).body;
    expect(result.success).toBe(false);
    expect(result.error.message).toBe('No input orderId for the template');
  });
});

describe('faults and lagging reads on the actions routes', () => {
  it.each([
    ['POST /api/v2/integrations/actions'],
    ['PATCH /api/v2/integrations/actions/{id}'],
    ['DELETE /api/v2/integrations/actions/{id}'],
    ['POST /api/v2/integrations/actions/{id}/draft/publish'],
  ])('commits then drops on the write route %s', async (route) => {
    const emulator = await start();
    const api = await connect(emulator);
    const integrationId = await integration(api);
    const { id } = (await api('POST', ACTIONS, lookup(integrationId))).body;
    await api('POST', `${ACTIONS}/${id}/draft`);
    await api('PATCH', `${ACTIONS}/${id}/draft`, { category: 'Changed', version: 1 });
    emulator.control.addFault({ route, kind: 'commitThenDrop', times: 1 });
    const calls: Record<string, () => Promise<unknown>> = {
      'POST /api/v2/integrations/actions': () => api('POST', ACTIONS, lookup(integrationId, 'Second')),
      'PATCH /api/v2/integrations/actions/{id}': () => api('PATCH', `${ACTIONS}/${id}`, { name: 'Renamed', version: 1 }),
      'DELETE /api/v2/integrations/actions/{id}': () => api('DELETE', `${ACTIONS}/${id}`),
      'POST /api/v2/integrations/actions/{id}/draft/publish': () => api('POST', `${ACTIONS}/${id}/draft/publish`, { version: 2 }),
    };
    const before = JSON.stringify(emulator.control.actions());
    await expect(calls[route]!()).rejects.toThrow();
    // The platform made the change although the client got no answer.
    expect(JSON.stringify(emulator.control.actions())).not.toBe(before);
    expect(emulator.control.calls().byRoute[route]?.byStatus.dropped).toBe(1);
  });

  it('answers 404 to GET by id right after a create, and lists it only after the list lag', async () => {
    const emulator = await start({ readAfterWriteLagMs: 5_000, listLagMs: 8_000 });
    const api = await connect(emulator);
    const integrationId = await integration(api);
    const { id } = (await api('POST', ACTIONS, lookup(integrationId))).body;
    expect((await api('GET', `${ACTIONS}/${id}`)).status).toBe(404);
    expect(entityIds((await api('GET', `${ACTIONS}?integrationId=${integrationId}`)).body)).toEqual([]);
    // The action exists all along: a write reaches it, and its name is taken.
    expect((await api('POST', ACTIONS, lookup(integrationId))).status).toBe(400);
    emulator.control.advanceClock(5_000);
    expect((await api('GET', `${ACTIONS}/${id}`)).body.name).toBe('Get order');
    emulator.control.advanceClock(3_000);
    expect(entityIds((await api('GET', `${ACTIONS}?integrationId=${integrationId}`)).body)).toEqual([id]);
  });

  it('answers the published version before a publish while the read-after-write lag lasts', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    const { id } = (await api('POST', ACTIONS, lookup(await integration(api)))).body;
    emulator.control.setConsistency({ readAfterWriteLagMs: 3_000 });
    await api('POST', `${ACTIONS}/${id}/draft`);
    await api('PATCH', `${ACTIONS}/${id}/draft`, { category: 'Changed', version: 1 });
    expect((await api('POST', `${ACTIONS}/${id}/draft/publish`, { version: 2 })).body).toMatchObject({ version: 2 });
    expect((await api('GET', `${ACTIONS}/${id}`)).body).toMatchObject({ category: 'Orders', version: 1 });
    emulator.control.advanceClock(3_000);
    expect((await api('GET', `${ACTIONS}/${id}`)).body).toMatchObject({ category: 'Changed', version: 2 });
  });
});
