import { describe, expect, it } from 'vitest';
import { connect, entityIds, keysOf, useEmulator, type Api, type CallResult } from './harness.ts';

const start = useEmulator();
const PATH = '/api/v2/integrations/credentials';
const SECRET = 'hunter2-do-not-leak';

const createBasic = (api: Api, name = 'web', password = SECRET) =>
  api('POST', PATH, { name, type: { name: 'basicAuth' }, credentialFields: { userName: 'svc', password } });

describe('credentials', () => {
  it('creates a credential and returns its CredentialInfo without the fields', async () => {
    const api = await connect(await start());
    const created = await createBasic(api);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      name: 'web',
      createdDate: expect.any(String),
      modifiedDate: expect.any(String),
      type: { name: 'basicAuth' },
      selfUri: `${PATH}/${created.body.id}`,
    });
    expect(JSON.stringify(created.body)).not.toContain(SECRET);
  });

  it('never returns stored values through GET, while the control state holds them', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    const { id } = (await createBasic(api)).body;
    const read = await api('GET', `${PATH}/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, name: 'web', type: { name: 'basicAuth' } });
    expect(keysOf(read.body.credentialFields)).toEqual(['userName', 'password']);
    expect(JSON.stringify(read.body)).not.toContain(SECRET);
    expect(JSON.stringify(read.body)).not.toContain('svc');
    expect(emulator.control.state().credentials[0]?.fields).toEqual({ userName: 'svc', password: SECRET });
  });

  it('replaces name and fields on PUT', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    const id = String((await createBasic(api)).body.id);
    const updated = await api('PUT', `${PATH}/${id}`, {
      name: 'renamed',
      type: { name: 'basicAuth' },
      credentialFields: { userName: 'other' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id, name: 'renamed' });
    expect(emulator.state.credentials.get(id)?.fields).toEqual({ userName: 'other' });
  });

  it('deletes with 204 and then answers 404', async () => {
    const api = await connect(await start());
    const { id } = (await createBasic(api)).body;
    const deleted = await api('DELETE', `${PATH}/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect((await api('GET', `${PATH}/${id}`)).status).toBe(404);
    expect((await api('DELETE', `${PATH}/${id}`)).status).toBe(404);
    expect((await api('PUT', `${PATH}/${id}`, { name: 'x', type: { name: 'userDefined' }, credentialFields: {} })).status).toBe(404);
  });

  it('accepts any keys for user-defined credential types', async () => {
    const api = await connect(await start());
    for (const type of ['userDefined', 'userDefinedOAuth']) {
      const created = await api('POST', PATH, { name: 'u', type: { name: type }, credentialFields: { anything: 'a', else: 'b' } });
      expect(created.status).toBe(200);
    }
  });

  it.each([
    ['an unknown type', { name: 'x', type: { name: 'kerberos' }, credentialFields: {} }],
    ['no type', { name: 'x', credentialFields: {} }],
    ['no name', { type: { name: 'userDefined' }, credentialFields: {} }],
    ['a missing required field', { name: 'x', type: { name: 'zendeskApiToken' }, credentialFields: { userEmail: 'e', baseUrl: 'b' } }],
    ['an empty required field', { name: 'x', type: { name: 'amazonWebServicesARN' }, credentialFields: { ARN: '' } }],
    [
      'a field the type does not declare',
      { name: 'x', type: { name: 'amazonWebServicesARN' }, credentialFields: { ARN: 'a', roleArn: 'b' } },
    ],
    ['a non-string value', { name: 'x', type: { name: 'userDefined' }, credentialFields: { n: 1 } }],
  ])('answers 400 for %s', async (_case, body) => {
    const api = await connect(await start());
    const rejected = await api('POST', PATH, body);
    expect(rejected.status).toBe(400);
    expect(rejected.body.status).toBe(400);
  });

  it('names the missing field but never echoes a value in an error', async () => {
    const api = await connect(await start());
    const rejected = await api('POST', PATH, {
      name: 'x',
      type: { name: 'pureCloudOAuthClient' },
      credentialFields: { clientSecret: SECRET },
    });
    expect(rejected.body.message).toContain('clientId');
    expect(JSON.stringify(rejected.body)).not.toContain(SECRET);
  });
});

describe('credential listing', () => {
  it('pages with the after cursor until there is no nextUri', async () => {
    const api = await connect(await start());
    const created = [];
    for (let i = 0; i < 5; i += 1) created.push((await createBasic(api, `c${i}`)).body.id);
    const seen: string[] = [];
    let uri: string | undefined = `${PATH}/listing?pageSize=2`;
    let pages = 0;
    while (uri !== undefined) {
      const page: CallResult = await api('GET', uri);
      expect(page.status).toBe(200);
      expect(page.body.entities.length).toBeLessThanOrEqual(2);
      seen.push(...entityIds(page.body));
      uri = page.body.nextUri;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen.toSorted()).toEqual(created.toSorted());
  });

  it('lets a client page by passing the last id as after, as Terraform does', async () => {
    const api = await connect(await start());
    for (let i = 0; i < 3; i += 1) await createBasic(api, `c${i}`);
    const first = await api('GET', `${PATH}/listing?pageSize=1`);
    const lastId = first.body.entities[0].id;
    const next = await api('GET', `${PATH}/listing?pageSize=1&after=${lastId}`);
    expect(next.body.entities[0].id > lastId).toBe(true);
    const back = await api('GET', `${PATH}/listing?pageSize=5&before=${next.body.entities[0].id}`);
    expect(entityIds(back.body)).toEqual([lastId]);
  });

  it.each([['0'], ['201'], ['x']])('answers 400 for pageSize=%s', async (pageSize) => {
    const api = await connect(await start());
    expect((await api('GET', `${PATH}/listing?pageSize=${pageSize}`)).status).toBe(400);
  });

  it('accepts pageSize 200', async () => {
    const api = await connect(await start());
    expect((await api('GET', `${PATH}/listing?pageSize=200`)).body).toMatchObject({ entities: [], selfUri: expect.any(String) });
  });

  it('still serves the deprecated page-number listing', async () => {
    const api = await connect(await start());
    await createBasic(api);
    expect((await api('GET', PATH)).body).toMatchObject({ total: 1, pageNumber: 1, entities: [{ name: 'web' }] });
  });
});
