// The typed calls against loopback servers: paging, parsing quirks, the config read-modify-write.
import { afterEach, describe, expect, it } from 'vitest';
import { createPlatformClient, isPlatformError } from '../../../src/platform/index.ts';
import type { IntegrationConfig, PlatformClient } from '../../../src/platform/index.ts';
import { grantTokens, integrationBody, startLoopback } from './loopback.ts';
import type { Handler, Loopback } from './loopback.ts';

let servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function clientServing(api: Handler): Promise<{ client: PlatformClient; server: Loopback }> {
  const login = grantTokens();
  const server = await startLoopback((r) => (r.path === '/oauth/token' ? login.handle(r) : api(r)));
  servers.push(server);
  const client = createPlatformClient({
    endpoints: { apiBaseUrl: `${server.baseUrl}/`, loginBaseUrl: server.baseUrl },
    clientId: 'id',
    clientSecret: 'secret',
    requestsPerMinute: 60_000,
    retryPolicy: { baseDelayMs: 1, maxDelayMs: 2 },
  });
  return { client, server };
}

/** Serves the integrations `live()` holds in pages as the platform does, with or without pageCount. */
function pagedListing(live: () => string[], withPageCount = true): Handler {
  return (r) => {
    const all = live();
    const pageSize = Number(r.query.get('pageSize'));
    const pageNumber = Number(r.query.get('pageNumber'));
    const start = (pageNumber - 1) * pageSize;
    const entities = all.slice(start, start + pageSize).map((id) => integrationBody(id));
    const pageCount = Math.ceil(all.length / pageSize);
    return { status: 200, body: { entities, pageSize, pageNumber, total: all.length, ...(withPageCount ? { pageCount } : {}) } };
  };
}

const ids = (count: number, from = 0): string[] => Array.from({ length: count }, (_, i) => `i${from + i}`);

describe('listIntegrations', () => {
  it.each([
    { total: 0, withPageCount: true, requests: 1 },
    { total: 999, withPageCount: true, requests: 1 },
    // More than one page: read twice, and the two passes agree.
    { total: 2500, withPageCount: true, requests: 6 },
    { total: 1500, withPageCount: false, requests: 6 },
  ])(
    'reads all $total integrations in $requests requests of 999 (pageCount given: $withPageCount)',
    async ({ total, withPageCount, requests }) => {
      const { client, server } = await clientServing(pagedListing(() => ids(total), withPageCount));
      const all = await client.listIntegrations();
      expect(all).toHaveLength(total);
      expect(new Set(all.map((i) => i.id)).size).toBe(total);
      const listCalls = server.requests.filter((r) => r.path === '/api/v2/integrations');
      expect(listCalls).toHaveLength(requests);
      expect(listCalls.every((r) => r.query.get('pageSize') === '999')).toBe(true);
    },
  );

  it('still lists the integration that slid onto an earlier page when one was deleted between two pages', async () => {
    let live = ids(1500);
    let served = 0;
    const { client } = await clientServing((r) => {
      const reply = pagedListing(() => live)(r);
      served += 1;
      // Deleted by someone else right after the first page was served: i999 moves onto page 1.
      if (served === 1) live = live.filter((id) => id !== 'i0');
      return reply;
    });
    const listed = (await client.listIntegrations()).map((i) => i.id);
    expect(listed).toContain('i999');
    expect(listed.sort()).toEqual(ids(1499, 1).sort());
  });

  it('gives up with a retryable error when the listing never holds still', async () => {
    let live = ids(1500);
    let next = 1500;
    const { client } = await clientServing((r) => {
      const reply = pagedListing(() => live)(r);
      live = [...live.slice(1), `i${next++}`];
      return reply;
    });
    await expect(client.listIntegrations()).rejects.toMatchObject({ code: 'Unavailable', retryable: true });
  });

  it('asks for given ids with the server-side filter, 100 at a time', async () => {
    const { client, server } = await clientServing((r) => {
      const wanted = (r.query.get('ids') ?? '').split(',');
      return { status: 200, body: { entities: wanted.map((id) => integrationBody(id)), pageCount: 1 } };
    });
    const found = await client.listIntegrations({ ids: ids(150) });
    expect(found.map((i) => i.id)).toEqual(ids(150));
    const asked = server.requests.filter((r) => r.path === '/api/v2/integrations').map((r) => r.query.get('ids')?.split(',').length);
    expect(asked).toEqual([100, 50]);
  });

  it('drops integrations other than the ids asked for when the platform ignores the filter', async () => {
    const { client } = await clientServing(pagedListing(() => ids(3)));
    expect((await client.listIntegrations({ ids: ['i1'] })).map((i) => i.id)).toEqual(['i1']);
  });

  it('keeps one copy of an integration a shifting page shows twice', async () => {
    const { client } = await clientServing((r) => {
      const page = Number(r.query.get('pageNumber'));
      const entities =
        page === 1 ? [integrationBody('a'), integrationBody('b')] : page === 2 ? [integrationBody('b'), integrationBody('c')] : [];
      return { status: 200, body: { entities } };
    });
    expect((await client.listIntegrations()).map((i) => i.id)).toEqual(['a', 'b', 'c']);
  });

  it('asks the platform to filter by type and drops other types if it does not', async () => {
    const { client, server } = await clientServing(() => ({
      status: 200,
      body: { entities: [integrationBody('a', 'salesforce-datadip'), integrationBody('b', 'zendesk-data-actions')], pageCount: 1 },
    }));
    const found = await client.listIntegrations({ integrationType: 'salesforce-datadip' });
    expect(found.map((i) => i.id)).toEqual(['a']);
    expect(server.requests.at(-1)?.query.get('integrationType')).toBe('salesforce-datadip');
  });
});

describe('parsing', () => {
  it('reads the empty-notes quirk as empty, nulls as absent, and keeps fields it does not know', async () => {
    const { client } = await clientServing(() => ({
      status: 200,
      body: {
        ...integrationBody('a'),
        notes: 'node_dynamodb_empty_string',
        attributes: null,
        reportedState: { code: 'ACTIVE', effective: 'Active', detail: null, futureField: 1 },
        brandNewField: { x: 1 },
      },
    }));
    const integration = await client.getIntegration('a');
    expect(integration.notes).toBe('');
    expect(integration.attributes).toBeUndefined();
    expect(integration.reportedState?.code).toBe('ACTIVE');
    expect(integration['brandNewField']).toEqual({ x: 1 });
  });

  it.each([
    { shape: 'a bare array', body: [{ id: 'basicAuth', name: 'basicAuth' }, { name: 'userDefined' }] },
    { shape: 'the old entities envelope', body: { entities: [{ id: 'basicAuth', name: 'basicAuth' }, { name: 'userDefined' }] } },
  ])('reads credential types given as $shape', async ({ body }) => {
    const { client } = await clientServing(() => ({ status: 200, body }));
    expect((await client.listCredentialTypes()).map((t) => t.name)).toEqual(['basicAuth', 'userDefined']);
  });

  it('returns a credential with its field names only, never the values', async () => {
    const { client } = await clientServing(() => ({
      status: 200,
      body: { id: 'c1', name: 'cred', type: { name: 'basicAuth' }, credentialFields: { userName: 'alice', password: '********' } },
    }));
    const credential = await client.getCredential('c1');
    expect(credential.credentialFieldNames).toEqual(['userName', 'password']);
    expect(credential.type?.name).toBe('basicAuth');
    expect(JSON.stringify(credential)).not.toContain('alice');
  });

  it('encodes ids in paths', async () => {
    const { client, server } = await clientServing(() => ({ status: 200, body: integrationBody('a/b') }));
    await client.getIntegration('a/b');
    expect(server.requests.at(-1)?.path).toBe('/api/v2/integrations/a%2Fb');
  });

  it('sends a credential as name, type name and fields', async () => {
    const { client, server } = await clientServing(() => ({ status: 200, body: { id: 'c1', name: 'n' } }));
    await client.createCredential({ name: 'n', typeName: 'basicAuth', fields: { userName: 'u', password: 'p' } });
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual({
      name: 'n',
      type: { name: 'basicAuth' },
      credentialFields: { userName: 'u', password: 'p' },
    });
  });
});

describe('updateConfig', () => {
  const config = (version: number, name: string): IntegrationConfig => ({
    name,
    version,
    properties: {},
    advanced: {},
    notes: 'node_dynamodb_empty_string',
    credentials: {},
  });

  it('writes nothing when the change leaves the config as it is', async () => {
    const { client, server } = await clientServing(() => ({ status: 200, body: config(3, 'same') }));
    const result = await client.updateConfig('a', (current) => ({ ...current, notes: '' }));
    expect(result.version).toBe(3);
    expect(server.count('PUT /api/v2/integrations/a/config/current')).toBe(0);
  });

  it('reads again and reapplies the change after a 400 version mismatch', async () => {
    let version = 1;
    const { client, server } = await clientServing((r) => {
      if (r.method === 'GET') return { status: 200, body: config(version, 'old') };
      const sent = JSON.parse(r.body) as { version: number; name: string };
      if (version === 1) {
        version = 2; // someone else wrote in between
        return { status: 400, body: { message: `The supplied version ${sent.version} does not match the current version 2` } };
      }
      return { status: 200, body: { ...config(version + 1, sent.name) } };
    });
    const result = await client.updateConfig('a', (current) => ({ ...current, name: 'new' }));
    expect(result).toMatchObject({ name: 'new', version: 3 });
    const puts = server.requests.filter((r) => r.method === 'PUT').map((r) => JSON.parse(r.body) as { version: number });
    expect(puts.map((p) => p.version)).toEqual([1, 2]);
  });

  it('reports Conflict after a few attempts when the config keeps changing', async () => {
    const { client, server } = await clientServing((r) =>
      r.method === 'GET' ? { status: 200, body: config(1, 'old') } : { status: 409, body: { message: 'version conflict' } },
    );
    const e: unknown = await client.updateConfig('a', (c) => ({ ...c, name: 'new' })).catch((err: unknown) => err);
    expect(isPlatformError(e) && e.code).toBe('Conflict');
    expect(server.count('PUT /api/v2/integrations/a/config/current')).toBe(5);
  });
});
