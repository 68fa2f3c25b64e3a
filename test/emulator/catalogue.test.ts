import { describe, expect, it } from 'vitest';
import { connect, useEmulator } from './harness.ts';

const start = useEmulator();

// docs/platform-facts.md §1 (ids), §3 (slots and credential types), §9 (install limits).
const CONFIRMED_TYPES = [
  ['custom-rest-actions', 'basicAuth', ['basicAuth', 'userDefined', 'userDefinedOAuth'], 50],
  ['purecloud-data-actions', 'pureCloudOAuthClient', ['pureCloudOAuthClient'], 10],
  ['aws-lambda-data-actions', 'AmazonWebServicesARN', ['amazonWebServicesARN'], 10],
  ['salesforce-datadip', 'salesforceUser', ['salesforce'], 50],
  ['microsoft-dynamics-data-actions', 'msDynamics', ['msDynamics'], 10],
  ['zendesk-data-actions', 'zendeskApiToken', ['zendeskApiToken'], 10],
] as const;

describe('integration types catalogue', () => {
  it('lists the eight data action types in a paged envelope', async () => {
    const api = await connect(await start());
    const listing = await api('GET', '/api/v2/integrations/types?pageSize=100');
    expect(listing.status).toBe(200);
    expect(listing.body).toMatchObject({ pageSize: 100, pageNumber: 1, total: 8, pageCount: 1 });
    expect(listing.body.entities).toHaveLength(8);
  });

  it.each(CONFIRMED_TYPES)('serves %s with slot %s, credential types %j and maxInstances %i', async (id, slot, credentialTypes, max) => {
    const api = await connect(await start());
    const type = await api('GET', `/api/v2/integrations/types/${id}`);
    expect(type.status).toBe(200);
    expect(type.body).toMatchObject({ id, maxInstances: max, nonInstallable: false });
    expect(type.body.credentials).toEqual({ [slot]: { required: expect.any(Boolean), title: expect.any(String), credentialTypes } });
  });

  it.each([
    ['Google', 100, ['googleCloudPlatformServiceAccount', 'googleGSuiteServiceAccount']],
    ['Adobe', 10, ['adobeJwtServiceAccount']],
  ])('lets a client discover the %s type by name', async (word, max, credentialTypes) => {
    const api = await connect(await start());
    const listing = await api('GET', '/api/v2/integrations/types?pageSize=100');
    const found = (
      listing.body.entities as Array<{ name: string; maxInstances: number; credentials: Record<string, { credentialTypes: string[] }> }>
    ).filter((t) => t.name.includes(word));
    expect(found).toHaveLength(1);
    expect(found[0]?.maxInstances).toBe(max);
    expect(Object.values(found[0]?.credentials ?? {}).flatMap((s) => s.credentialTypes)).toEqual(credentialTypes);
  });

  it('uses the type ids and install limits it was given, by kind or by id', async () => {
    const api = await connect(
      await start({
        typeIds: { Google: 'google-x', 'emulator-adobe-data-actions': 'adobe-x' },
        installLimits: { 'google-x': 2, 'custom-rest-actions': 3, Zendesk: 4 },
      }),
    );
    expect((await api('GET', '/api/v2/integrations/types/google-x')).body.maxInstances).toBe(2);
    expect((await api('GET', '/api/v2/integrations/types/adobe-x')).body.maxInstances).toBe(10);
    expect((await api('GET', '/api/v2/integrations/types/custom-rest-actions')).body.maxInstances).toBe(3);
    expect((await api('GET', '/api/v2/integrations/types/zendesk-data-actions')).body.maxInstances).toBe(4);
    expect((await api('GET', '/api/v2/integrations/types/emulator-google-data-actions')).status).toBe(404);
  });

  it('pages the catalogue', async () => {
    const api = await connect(await start());
    const page = await api('GET', '/api/v2/integrations/types?pageSize=3&pageNumber=3');
    expect(page.body).toMatchObject({ pageSize: 3, pageNumber: 3, total: 8, pageCount: 3 });
    expect(page.body.entities).toHaveLength(2);
    expect(page.body.nextUri).toBeUndefined();
    expect(page.body.previousUri).toContain('pageNumber=2');
  });

  it('answers 404 for an unknown type', async () => {
    const api = await connect(await start());
    const missing = await api('GET', '/api/v2/integrations/types/no-such-type');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 404, code: 'not.found' });
  });

  it('publishes the web services clientCertificateAuthority enum in its properties schema', async () => {
    const api = await connect(await start());
    const schema = await api('GET', '/api/v2/integrations/types/custom-rest-actions/configschemas/properties');
    expect(schema.status).toBe(200);
    expect(schema.body.properties.clientCertificateAuthority).toMatchObject({
      type: 'string',
      enum: ['Genesys Cloud', 'DigiCert'],
      default: 'Genesys Cloud',
    });
    const advanced = await api('GET', '/api/v2/integrations/types/custom-rest-actions/configschemas/advanced');
    expect(advanced.body).toMatchObject({ type: 'object', properties: {} });
  });
});

describe('credential types', () => {
  it('returns a bare array with the fields of each credential type', async () => {
    const api = await connect(await start());
    const types = await api('GET', '/api/v2/integrations/credentials/types');
    expect(types.status).toBe(200);
    expect(Array.isArray(types.body)).toBe(true);
    const all = types.body as Array<{ name: string }>;
    const byName = new Map(all.map((t) => [t.name, t]));
    expect(byName.get('zendeskApiToken')).toMatchObject({ required: ['userEmail', 'baseUrl', 'apiToken'] });
    expect(byName.get('amazonWebServicesARN')).toMatchObject({ required: ['ARN'], displayOrder: ['ARN'] });
    expect(byName.get('basicAuth')).toMatchObject({ required: ['userName'], displayOrder: ['userName', 'password'] });
    expect(byName.get('salesforce')).toMatchObject({ displayOrder: ['username', 'password', 'securityToken', 'loginUrl'] });
    for (const type of all) expect(Object.keys(type)).toEqual(['id', 'name', 'properties', 'displayOrder', 'required']);
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining([
        'userDefined',
        'userDefinedOAuth',
        'pureCloudOAuthClient',
        'msDynamics',
        'googleCloudPlatformServiceAccount',
        'googleGSuiteServiceAccount',
      ]),
    );
  });
});
