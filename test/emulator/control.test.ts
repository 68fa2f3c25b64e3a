import { describe, expect, it } from 'vitest';
import { call, connect, useEmulator } from './harness.ts';
import type { Emulator } from './index.ts';

const start = useEmulator();
const control = (emulator: Emulator, method: string, path: string, body?: unknown) =>
  call(emulator.baseUrl, method, `/__emulator${path}`, body === undefined ? {} : { body });

describe('seeding integrations as if made in the admin UI', () => {
  it('creates an integration of a kind with the given name, notes and state', async () => {
    const emulator = await start();
    const seeded = await control(emulator, 'POST', '/integrations', {
      type: 'Zendesk',
      name: 'Support',
      notes: 'by hand',
      state: 'ACTIVE',
    });
    expect(seeded.status).toBe(201);
    const api = await connect(emulator);
    const read = await api('GET', `/api/v2/integrations/${seeded.body.id}`);
    expect(read.body).toMatchObject({
      name: 'Support',
      notes: 'by hand',
      intendedState: 'ENABLED',
      integrationType: { id: 'zendesk-data-actions' },
      reportedState: { code: 'ACTIVE' },
      config: { current: { version: 1 } },
    });
  });

  it('accepts a type id and numbers the default name like the UI', async () => {
    const emulator = await start();
    await control(emulator, 'POST', '/integrations', { type: 'custom-rest-actions' });
    const second = await control(emulator, 'POST', '/integrations', { type: 'custom-rest-actions' });
    expect(second.body.name).toBe('Web Services Data Actions 2');
  });

  it.each([
    [{ type: 'nope' }, 400],
    [{ type: 'WebServices', state: 'ASLEEP' }, 400],
    [{ type: 'WebServices', colour: 'red' }, 400],
    [{ type: 'WebServices', properties: { clientCertificateAuthority: 'Nobody' } }, 400],
  ])('refuses the seed %j', async (seed, status) => {
    const emulator = await start();
    expect((await control(emulator, 'POST', '/integrations', seed)).status).toBe(status);
    expect(emulator.control.state().integrations).toHaveLength(0);
  });
});

describe('drift made by hand', () => {
  async function seededWithCredential(emulator: Emulator): Promise<{ id: string; credentialId: string }> {
    const api = await connect(emulator);
    const credentialId = (
      await api('POST', '/api/v2/integrations/credentials', { name: 'c', type: { name: 'userDefined' }, credentialFields: { k: 'v' } })
    ).body.id;
    const { id } = (
      await control(emulator, 'POST', '/integrations', { type: 'WebServices', credentials: { basicAuth: { id: credentialId } } })
    ).body;
    return { id, credentialId };
  }

  it.each([
    ['renames', { name: 'Renamed by hand' }, { name: 'Renamed by hand', config: { current: { name: 'Renamed by hand' } } }],
    ['changes notes', { notes: 'edited' }, { notes: 'edited', config: { current: { notes: 'edited' } } }],
    ['clears notes', { notes: '' }, { notes: 'node_dynamodb_empty_string' }],
    ['turns it off', { state: 'INACTIVE' }, { intendedState: 'DISABLED', reportedState: { code: 'INACTIVE' } }],
    ['puts it in error', { state: 'ERROR' }, { reportedState: { code: 'ERROR', effective: 'Error' } }],
    ['unlinks credentials', { unlinkCredentials: true }, { config: { current: { credentials: {} } } }],
    [
      'changes a property',
      { properties: { clientCertificateAuthority: 'DigiCert' } },
      { config: { current: { properties: { clientCertificateAuthority: 'DigiCert' } } } },
    ],
  ])('%s and bumps the config version', async (_case, edit, expected) => {
    const emulator = await start();
    const { id } = await seededWithCredential(emulator);
    const edited = await control(emulator, 'PATCH', `/integrations/${id}`, edit);
    expect(edited.status).toBe(200);
    const api = await connect(emulator);
    const read = await api('GET', `/api/v2/integrations/${id}`);
    expect(read.body).toMatchObject(expected);
    expect(read.body.config.current.version).toBe(2);
  });

  it('removes a property when given null', async () => {
    const emulator = await start();
    const { id } = await seededWithCredential(emulator);
    await control(emulator, 'PATCH', `/integrations/${id}`, { properties: { clientCertificateAuthority: null } });
    expect(emulator.state.integrations.get(id)?.properties).toEqual({});
  });

  it('deletes an integration or a credential behind the client back', async () => {
    const emulator = await start();
    const { id, credentialId } = await seededWithCredential(emulator);
    expect((await control(emulator, 'DELETE', `/credentials/${credentialId}`)).status).toBe(204);
    const api = await connect(emulator);
    // The link now points at a credential that is gone.
    expect((await api('GET', `/api/v2/integrations/${id}/config/current`)).body.credentials).toEqual({ basicAuth: { id: credentialId } });
    expect((await control(emulator, 'DELETE', `/integrations/${id}`)).status).toBe(204);
    expect((await api('GET', `/api/v2/integrations/${id}`)).status).toBe(404);
  });

  it('answers 404 for an unknown integration', async () => {
    const emulator = await start();
    expect((await control(emulator, 'PATCH', '/integrations/nope', { name: 'x' })).status).toBe(404);
    expect((await control(emulator, 'DELETE', '/integrations/nope')).status).toBe(404);
  });
});

describe('state, reset and clock', () => {
  it('shows everything stored, credentials with their fields', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    await api('POST', '/api/v2/integrations/credentials', {
      name: 'c',
      type: { name: 'pureCloudOAuthClient' },
      credentialFields: { clientId: 'id', clientSecret: 'sh' },
    });
    await control(emulator, 'POST', '/integrations', { type: 'GenesysCloud', name: 'Platform' });
    const state = (await control(emulator, 'GET', '/state')).body;
    expect(state.integrations).toMatchObject([
      { name: 'Platform', typeId: 'purecloud-data-actions', version: 1, intendedState: 'DISABLED' },
    ]);
    expect(state.credentials).toMatchObject([
      { name: 'c', typeName: 'pureCloudOAuthClient', fields: { clientId: 'id', clientSecret: 'sh' } },
    ]);
    expect(state.tokens).toEqual({ issued: 1, valid: 1 });
  });

  it('reset forgets integrations, credentials, tokens, counts and faults but keeps the clients', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    await api('POST', '/api/v2/integrations', { integrationType: { id: 'custom-rest-actions' } });
    await control(emulator, 'POST', '/faults', { route: 'GET /api/v2/integrations', kind: 'status' });
    expect((await control(emulator, 'POST', '/reset')).status).toBe(204);
    expect(emulator.control.state()).toEqual({ integrations: [], credentials: [], tokens: { issued: 0, valid: 0 } });
    expect(emulator.control.calls().total).toBe(0);
    expect((await api('GET', '/api/v2/integrations')).status).toBe(401);
    const again = await connect(emulator);
    expect((await again('GET', '/api/v2/integrations')).body.total).toBe(0);
  });

  it('moves time forward through the clock route', async () => {
    const emulator = await start({ stateTransitionMs: 60_000 });
    const api = await connect(emulator);
    const { id } = (await api('POST', '/api/v2/integrations', { integrationType: { id: 'custom-rest-actions' } })).body;
    await api('PATCH', `/api/v2/integrations/${id}`, { intendedState: 'ENABLED' });
    expect((await control(emulator, 'POST', '/clock', { advanceMs: 60_000 })).status).toBe(204);
    expect((await api('GET', `/api/v2/integrations/${id}`)).body.reportedState.code).toBe('ACTIVE');
    expect((await control(emulator, 'POST', '/clock', { advanceMs: -1 })).status).toBe(400);
  });

  it('answers 404 for an unknown control route', async () => {
    const emulator = await start();
    expect((await control(emulator, 'GET', '/nothing')).status).toBe(404);
  });
});
