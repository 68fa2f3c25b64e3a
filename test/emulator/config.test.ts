import { describe, expect, it } from 'vitest';
import { connect, useEmulator, type Api } from './harness.ts';

const start = useEmulator();

type Config = Record<string, unknown>;

async function integration(api: Api, typeId = 'custom-rest-actions'): Promise<string> {
  return String((await api('POST', '/api/v2/integrations', { integrationType: { id: typeId } })).body.id);
}

async function credential(api: Api, type: string, credentialFields: Record<string, string>): Promise<string> {
  return String((await api('POST', '/api/v2/integrations/credentials', { name: 'c', type: { name: type }, credentialFields })).body.id);
}

const configPath = (id: string): string => `/api/v2/integrations/${id}/config/current`;

describe('integration configuration', () => {
  it('starts at version 1 with the type default name, empty notes as the platform quirk, and no credentials', async () => {
    const api = await connect(await start());
    const id = await integration(api);
    const config = await api('GET', configPath(id));
    expect(config.status).toBe(200);
    expect(config.body).toEqual({
      id,
      name: 'Web Services Data Actions',
      version: 1,
      properties: { clientCertificateAuthority: 'Genesys Cloud' },
      advanced: {},
      notes: 'node_dynamodb_empty_string',
      credentials: {},
      selfUri: configPath(id),
    });
  });

  it('renames, sets notes, links credentials and bumps the version on PUT', async () => {
    const api = await connect(await start());
    const id = await integration(api);
    const credentialId = await credential(api, 'userDefined', { apiKey: 'k' });
    const current = (await api('GET', configPath(id))).body;
    const put = await api('PUT', configPath(id), {
      ...current,
      name: 'Orders API',
      notes: 'managed by the operator',
      properties: { clientCertificateAuthority: 'DigiCert' },
      credentials: { basicAuth: { id: credentialId } },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      version: 2,
      name: 'Orders API',
      notes: 'managed by the operator',
      credentials: { basicAuth: { id: credentialId } },
    });
    const read = await api('GET', `/api/v2/integrations/${id}`);
    expect(read.body).toMatchObject({
      name: 'Orders API',
      notes: 'managed by the operator',
      config: { current: { version: 2, properties: { clientCertificateAuthority: 'DigiCert' } } },
    });
  });

  it('treats the empty-notes quirk sent back by a client as empty notes', async () => {
    const emulator = await start();
    const api = await connect(emulator);
    const id = await integration(api);
    const current = (await api('GET', configPath(id))).body;
    await api('PUT', configPath(id), current);
    expect(emulator.state.integrations.get(id)?.notes).toBe('');
  });

  it('answers 409 "does not match the current version" for a stale version, and changes nothing', async () => {
    const api = await connect(await start());
    const id = await integration(api);
    const stale = (await api('GET', configPath(id))).body;
    await api('PUT', configPath(id), { ...stale, name: 'First' });
    const conflict = await api('PUT', configPath(id), { ...stale, name: 'Second' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.message).toContain('does not match the current version');
    expect((await api('GET', configPath(id))).body).toMatchObject({ name: 'First', version: 2 });
  });

  it('allows a name that another integration already carries', async () => {
    const api = await connect(await start());
    const first = await integration(api);
    const second = await integration(api);
    const current = (await api('GET', configPath(second))).body;
    const firstName = (await api('GET', configPath(first))).body.name;
    expect((await api('PUT', configPath(second), { ...current, name: firstName })).status).toBe(200);
  });

  it.each([
    ['no version', (c: Config) => ({ ...c, version: undefined })],
    ['a version that is not a number', (c: Config) => ({ ...c, version: '1' })],
    ['no name', (c: Config) => ({ ...c, name: '' })],
    ['a credentials slot the type does not have', (c: Config) => ({ ...c, credentials: { pureCloudOAuthClient: { id: 'x' } } })],
    ['a credential id that does not exist', (c: Config) => ({ ...c, credentials: { basicAuth: { id: 'missing' } } })],
    ['a clientCertificateAuthority outside the enum', (c: Config) => ({ ...c, properties: { clientCertificateAuthority: 'Digicert' } })],
    ['a non-string property', (c: Config) => ({ ...c, properties: { clientCertificateAuthority: 7 } })],
    ['properties that are not an object', (c: Config) => ({ ...c, properties: 'x' })],
  ])('answers 400 for %s and keeps the version', async (_case, change) => {
    const api = await connect(await start());
    const id = await integration(api);
    const current = (await api('GET', configPath(id))).body;
    const rejected = await api('PUT', configPath(id), change(current as Config));
    expect(rejected.status).toBe(400);
    expect(rejected.body).toMatchObject({ status: 400, code: expect.any(String), message: expect.any(String) });
    expect((await api('GET', configPath(id))).body.version).toBe(1);
  });

  it('refuses a credential whose type the slot does not accept', async () => {
    const api = await connect(await start());
    const id = await integration(api, 'purecloud-data-actions');
    const wrong = await credential(api, 'basicAuth', { userName: 'u' });
    const current = (await api('GET', configPath(id))).body;
    const rejected = await api('PUT', configPath(id), { ...current, credentials: { pureCloudOAuthClient: { id: wrong } } });
    expect(rejected.status).toBe(400);
  });

  it.each([
    ['purecloud-data-actions', 'pureCloudOAuthClient', 'pureCloudOAuthClient', { clientId: 'a', clientSecret: 'b' }],
    ['aws-lambda-data-actions', 'AmazonWebServicesARN', 'amazonWebServicesARN', { ARN: 'arn:aws:iam::1:role/r' }],
    ['salesforce-datadip', 'salesforceUser', 'salesforce', { username: 'u', password: 'p', securityToken: 't' }],
    [
      'microsoft-dynamics-data-actions',
      'msDynamics',
      'msDynamics',
      { username: 'u', password: 'p', orgWebAddress: 'https://x.crm.dynamics.com', applicationId: 'a' },
    ],
    ['zendesk-data-actions', 'zendeskApiToken', 'zendeskApiToken', { userEmail: 'e@x', baseUrl: 'https://x.zendesk.com', apiToken: 't' }],
  ])('links a %s credential through the %s slot', async (typeId, slot, credentialType, fields) => {
    const api = await connect(await start());
    const id = await integration(api, typeId);
    const credentialId = await credential(api, credentialType, fields);
    const current = (await api('GET', configPath(id))).body;
    const put = await api('PUT', configPath(id), { ...current, credentials: { [slot]: { id: credentialId } } });
    expect(put.status).toBe(200);
    expect(put.body.credentials[slot].id).toBe(credentialId);
  });

  it('answers 404 for the config of an unknown integration', async () => {
    const api = await connect(await start());
    expect((await api('GET', configPath('nope'))).status).toBe(404);
    expect((await api('PUT', configPath('nope'), { version: 1, name: 'x' })).status).toBe(404);
  });
});
