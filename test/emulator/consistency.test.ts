import { describe, expect, it } from 'vitest';
import { call, connect, entityIds, useEmulator, type Api } from './harness.ts';

const start = useEmulator();
const WEB = { integrationType: { id: 'custom-rest-actions' } };
const CREDENTIALS = '/api/v2/integrations/credentials';
const configPath = (id: string): string => `/api/v2/integrations/${id}/config/current`;

async function create(api: Api, name: string): Promise<string> {
  return String((await api('POST', '/api/v2/integrations', { ...WEB, name })).body.id);
}

async function rename(api: Api, id: string, name: string): Promise<number> {
  const current = (await api('GET', configPath(id))).body;
  return (await api('PUT', configPath(id), { ...current, name })).status;
}

describe('read-after-write lag', () => {
  it('answers 404 to GET by id and to its config right after an API create, until the lag has passed', async () => {
    const emulator = await start({ readAfterWriteLagMs: 5_000 });
    const api = await connect(emulator);
    const id = await create(api, 'Fresh');
    expect((await api('GET', `/api/v2/integrations/${id}`)).status).toBe(404);
    expect((await api('GET', configPath(id))).status).toBe(404);
    // The integration exists all along: a write reaches it.
    expect((await api('PATCH', `/api/v2/integrations/${id}`, { intendedState: 'DISABLED' })).status).toBe(200);
    emulator.control.advanceClock(5_000);
    expect((await api('GET', `/api/v2/integrations/${id}`)).body.name).toBe('Fresh');
  });

  it('lets GET find at once an integration made by hand in the admin UI', async () => {
    const emulator = await start({ readAfterWriteLagMs: 5_000 });
    const api = await connect(emulator);
    const { id } = emulator.control.seedIntegration({ type: 'WebServices', name: 'By hand' }) as { id: string };
    expect((await api('GET', `/api/v2/integrations/${id}`)).status).toBe(200);
  });

  it('answers the version before a config write, then the new one once the lag has passed', async () => {
    const emulator = await start({ stateTransitionMs: 0 });
    const api = await connect(emulator);
    const id = await create(api, 'Before');
    emulator.control.setConsistency({ readAfterWriteLagMs: 3_000 });
    expect(await rename(api, id, 'After')).toBe(200);
    expect((await api('GET', configPath(id))).body).toMatchObject({ name: 'Before', version: 1 });
    expect((await api('GET', `/api/v2/integrations/${id}`)).body.name).toBe('Before');
    // A write based on the stale read is refused, as the platform refuses an old version.
    expect(await rename(api, id, 'Again')).toBe(409);
    emulator.control.advanceClock(3_000);
    expect((await api('GET', configPath(id))).body).toMatchObject({ name: 'After', version: 2 });
  });

  it('answers the state before a PATCH while the lag lasts', async () => {
    const emulator = await start({ stateTransitionMs: 0, readAfterWriteLagMs: 0 });
    const api = await connect(emulator);
    const id = await create(api, 'Toggled');
    emulator.control.setConsistency({ readAfterWriteLagMs: 2_000 });
    await api('PATCH', `/api/v2/integrations/${id}`, { intendedState: 'ENABLED' });
    expect((await api('GET', `/api/v2/integrations/${id}`)).body.intendedState).toBe('DISABLED');
    emulator.control.advanceClock(2_000);
    expect((await api('GET', `/api/v2/integrations/${id}`)).body.intendedState).toBe('ENABLED');
  });

  it('hides a new credential and the name before an update from GET credential', async () => {
    const emulator = await start({ readAfterWriteLagMs: 1_000 });
    const api = await connect(emulator);
    const body = (name: string) => ({ name, type: { name: 'basicAuth' }, credentialFields: { userName: 'svc', password: 'p' } });
    const { id } = (await api('POST', CREDENTIALS, body('first'))).body;
    expect((await api('GET', `${CREDENTIALS}/${id}`)).status).toBe(404);
    emulator.control.advanceClock(1_000);
    expect((await api('PUT', `${CREDENTIALS}/${id}`, body('second'))).status).toBe(200);
    expect((await api('GET', `${CREDENTIALS}/${id}`)).body.name).toBe('first');
    emulator.control.advanceClock(1_000);
    expect((await api('GET', `${CREDENTIALS}/${id}`)).body.name).toBe('second');
  });

  it('keeps the control state true while reads lag, and reset turns the lag off again', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    const set = await call(emulator.baseUrl, 'PUT', '/__emulator/consistency', { body: { readAfterWriteLagMs: 10_000 } });
    expect(set.body).toEqual({ deleteVisibleMs: 0, listLagMs: 0, readAfterWriteLagMs: 10_000, listingExpandsConfig: false });
    const id = await create(api, 'Truth');
    expect(emulator.control.state().integrations.map((i) => i.name)).toEqual(['Truth']);
    emulator.control.reset();
    expect(emulator.control.consistency().readAfterWriteLagMs).toBe(0);
    const again = await connect(emulator);
    const other = await create(again, 'Visible');
    expect((await again('GET', `/api/v2/integrations/${other}`)).status).toBe(200);
    expect(id).not.toBe(other);
  });

  it('changes the list lag from now on', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    emulator.control.setConsistency({ listLagMs: 4_000 });
    const id = await create(api, 'Lagging');
    expect(entityIds((await api('GET', '/api/v2/integrations')).body)).toEqual([]);
    emulator.control.advanceClock(4_000);
    expect(entityIds((await api('GET', '/api/v2/integrations')).body)).toEqual([id]);
  });

  it('keeps listing what it already listed when a list lag is set later', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    const old = await create(api, 'Listed');
    emulator.control.setConsistency({ listLagMs: 4_000 });
    const fresh = await create(api, 'Lagging');
    expect(entityIds((await api('GET', '/api/v2/integrations')).body)).toEqual([old]);
    emulator.control.advanceClock(4_000);
    expect(entityIds((await api('GET', '/api/v2/integrations')).body).sort()).toEqual([old, fresh].sort());
  });

  it('refuses a malformed consistency change', async () => {
    const emulator = await start();
    const rejected = await call(emulator.baseUrl, 'PUT', '/__emulator/consistency', { body: { listLagMs: -1 } });
    expect(rejected.status).toBe(400);
  });
});

describe('a listing that shifts while it is paged', () => {
  async function fiveIntegrations(api: Api): Promise<string[]> {
    const ids: string[] = [];
    for (const name of ['A', 'B', 'C', 'D', 'E']) ids.push(await create(api, name));
    return ids;
  }

  it('skips an entry when one before the page vanished between page reads', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    const ids = await fiveIntegrations(api);
    emulator.control.addFault({ route: 'GET /api/v2/integrations', kind: 'listShift', shift: 1 });
    const first = (await api('GET', '/api/v2/integrations?pageSize=2&pageNumber=1')).body;
    const second = (await api('GET', '/api/v2/integrations?pageSize=2&pageNumber=2')).body;
    const third = (await api('GET', '/api/v2/integrations?pageSize=2&pageNumber=3')).body;
    expect(entityIds(first)).toEqual(ids.slice(0, 2));
    expect(first.total).toBe(5);
    expect(entityIds(second)).toEqual(ids.slice(3, 5));
    expect(second).toMatchObject({ total: 4, pageCount: 2 });
    expect(entityIds(third)).toEqual([]);
    // Nothing was deleted: the client merely never saw C.
    expect(emulator.control.state().integrations).toHaveLength(5);
  });

  it('repeats an entry when a new one appeared before the page', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    const ids = await fiveIntegrations(api);
    emulator.control.addFault({ route: 'GET /api/v2/integrations', kind: 'listShift', shift: -1, times: 2 });
    expect(entityIds((await api('GET', '/api/v2/integrations?pageSize=2&pageNumber=1')).body)).toEqual(ids.slice(0, 2));
    const second = (await api('GET', '/api/v2/integrations?pageSize=2&pageNumber=2')).body;
    expect(entityIds(second)).toEqual(ids.slice(1, 3));
    expect(second.total).toBe(6);
    // Used up: the next read is true again.
    expect(entityIds((await api('GET', '/api/v2/integrations?pageSize=2&pageNumber=2')).body)).toEqual(ids.slice(2, 4));
  });

  it('shifts the page-number credential listing too', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      ids.push((await api('POST', CREDENTIALS, { name, type: { name: 'basicAuth' }, credentialFields: { userName: 'u' } })).body.id);
    }
    emulator.control.addFault({ route: `GET ${CREDENTIALS}`, kind: 'listShift', shift: 1 });
    expect(entityIds((await api('GET', `${CREDENTIALS}?pageSize=1&pageNumber=2`)).body)).toEqual([ids[2]]);
  });
});

describe('listings that carry configuration (listingExpandsConfig)', () => {
  const listed = async (api: Api, expand: boolean): Promise<Record<string, unknown>> => {
    const query = expand ? '?expand=config.current' : '';
    const [entity] = (await api('GET', `/api/v2/integrations${query}`)).body.entities as { config: { current: Record<string, unknown> } }[];
    return entity?.config.current ?? {};
  };

  it('by default answers entries whose config is only an id, expand or not: the conservative, unconfirmed case', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    const id = await create(api, 'Listed');
    expect(await listed(api, true)).toEqual({ id });
    expect(await listed(api, false)).toEqual({ id });
  });

  it('embeds the full config when asked with expand=config.current, once turned on at runtime', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    const id = await create(api, 'Listed');
    expect(emulator.control.setConsistency({ listingExpandsConfig: true })).toMatchObject({ listingExpandsConfig: true });
    expect(await listed(api, true)).toMatchObject({ id, name: 'Listed', version: 1, properties: {}, credentials: {} });
    expect(await listed(api, false)).toEqual({ id });
    emulator.control.reset();
    expect(emulator.control.consistency().listingExpandsConfig).toBe(false);
  });
});
