import { describe, expect, it } from 'vitest';
import { kindOf } from '../../../src/integrations/index.ts';
import type { GenesysCloudOrganization } from '../../../src/api/index.ts';
import type { IntegrationType, PlatformClient, PlatformClientOptions } from '../../../src/platform/index.ts';
import { OrgSession, OrgSessions } from '../../../src/reconcile/org-sessions.ts';

const type = (id: string, name: string, extra: Partial<IntegrationType> = {}): IntegrationType => ({ id, name, credentials: {}, ...extra });

function sessionWith(types: IntegrationType[]): OrgSession {
  const client = { listIntegrationTypes: () => Promise.resolve(types) } as unknown as PlatformClient;
  return new OrgSession('ns/org', client, 'fingerprint', 'key');
}

describe('resolving a type in the organization catalogue', () => {
  it.each([
    {
      name: 'finds the Google data actions type among other Google types',
      types: [type('google-speech', 'Google Cloud Speech'), type('g-da', 'Google Data Actions'), type('z', 'Zendesk Data Actions')],
      found: 'g-da',
    },
    {
      name: 'prefers the installable one of two matches',
      types: [type('old', 'Google Data Actions', { nonInstallable: true }), type('new', 'Google Cloud Data Actions')],
      found: 'new',
    },
    {
      name: 'takes none when two installable types match: guessing could install the wrong one',
      types: [type('a', 'Google Data Actions'), type('b', 'Google Workspace Data Actions')],
      found: undefined,
    },
    { name: 'takes none when nothing matches', types: [type('x', 'Google Dialogflow CX')], found: undefined },
  ])('$name', async ({ types, found }) => {
    expect((await sessionWith(types).resolve(kindOf('Google'), undefined))?.typeId).toBe(found);
  });

  it('uses the organization override even when the catalogue would be ambiguous', async () => {
    const session = sessionWith([type('a', 'Google Data Actions', { maxInstances: 7 }), type('b', 'Google Workspace Data Actions')]);
    expect(await session.resolve(kindOf('Google'), 'a')).toMatchObject({ typeId: 'a', maxInstances: 7 });
  });

  it('uses the slot the platform declares when it declares exactly one other than the guess', async () => {
    const adobe = type('adobe-da', 'Adobe Data Actions', {
      credentials: { adobeServiceAccount: { required: true, credentialTypes: ['x'] } },
    });
    expect(await sessionWith([adobe]).resolve(kindOf('Adobe'), undefined)).toMatchObject({
      typeId: 'adobe-da',
      credentialSlot: 'adobeServiceAccount',
    });
  });

  it('keeps a confirmed id and the guide limit when the catalogue does not list the type', async () => {
    expect(await sessionWith([]).resolve(kindOf('Zendesk'), undefined)).toMatchObject({ typeId: 'zendesk-data-actions', maxInstances: 10 });
  });
});

// ---- What sessions share: per real org the names, per OAuth client the budget and the token ----

interface FakePlatform {
  readonly fetch: typeof fetch;
  /** Requests received, as `"METHOD /path"`, with the Basic user of a login. */
  readonly seen: string[];
}

/** A platform that answers the org read with the org each OAuth client belongs to. */
function fakePlatform(orgOfClient: Record<string, string>): FakePlatform {
  const seen: string[] = [];
  const tokens = new Map<string, string>();
  const fake = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const headers = new Headers(init?.headers);
    const json = (body: unknown): Promise<Response> => Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
    if (url.pathname === '/oauth/token') {
      const clientId =
        Buffer.from((headers.get('authorization') ?? '').slice(6), 'base64')
          .toString()
          .split(':')[0] ?? '';
      seen.push(`login ${clientId}`);
      const token = `token-${seen.length}`;
      tokens.set(token, clientId);
      return json({ access_token: token, expires_in: 86_400 });
    }
    seen.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    const clientId = tokens.get((headers.get('authorization') ?? '').slice(7)) ?? '';
    if (url.pathname === '/api/v2/organizations/me') return json({ id: orgOfClient[clientId], name: 'Acme' });
    if (url.pathname === '/api/v2/integrations') return json({ entities: [], pageCount: 1 });
    return Promise.resolve(new Response('{}', { status: 404 }));
  };
  return { fetch: fake, seen };
}

/** A clock whose sleeps wait until the test moves time on. */
function manualClock(): { now: () => number; sleep: (ms: number) => Promise<void>; advance: (ms: number) => Promise<void> } {
  let t = 1_000_000;
  let sleepers: { due: number; wake: () => void }[] = [];
  return {
    now: () => t,
    sleep: (ms) => new Promise((wake) => sleepers.push({ due: t + ms, wake })),
    advance: async (ms) => {
      t += ms;
      const due = sleepers.filter((s) => s.due <= t);
      sleepers = sleepers.filter((s) => s.due > t);
      for (const s of due) s.wake();
      await flush();
    },
  };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 50; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

function organization(namespace: string, requestsPerMinute?: number): GenesysCloudOrganization {
  return {
    apiVersion: 'dataactions.dev/v1alpha1',
    kind: 'GenesysCloudOrganization',
    metadata: { namespace, name: 'prod' },
    spec: {
      region: 'us-east-1',
      oauthClientSecretRef: { name: 'oauth' },
      endpoints: { apiBaseUrl: 'https://api.example.test', loginBaseUrl: 'https://login.example.test' },
      ...(requestsPerMinute === undefined ? {} : { requestsPerMinute }),
    },
  } as GenesysCloudOrganization;
}

function sessionsOn(platform: FakePlatform, clientOptions: Partial<PlatformClientOptions> = {}): OrgSessions {
  return new OrgSessions({ isEndpointAllowed: () => true, clientOptions: { fetch: platform.fetch, ...clientOptions } });
}

const NOW = 1_000_000;

describe('two organization objects for one real org', () => {
  it('choose names under one lock and see each other reservations', async () => {
    const platform = fakePlatform({ 'team-a-client': 'org-1', 'team-b-client': 'org-1' });
    const sessions = sessionsOn(platform);
    const a = sessions.sessionFor('team-a/prod', organization('team-a'), { clientId: 'team-a-client', clientSecret: 'secret-a' });
    const b = sessions.sessionFor('team-b/prod', organization('team-b'), { clientId: 'team-b-client', clientSecret: 'secret-b' });

    const order: string[] = [];
    let releaseA = (): void => undefined;
    const heldByA = a.withNameLock(async () => {
      order.push('a chooses');
      await new Promise<void>((resolve) => {
        releaseA = resolve;
      });
      a.reserveName('Support', 'integration-a', NOW, 'uid-a');
      order.push('a reserved');
    });
    await flush();
    const chosenByB = b.withNameLock(() => {
      order.push('b chooses');
      return Promise.resolve(b.reservedNames(NOW, 'integration-b', 'uid-b'));
    });
    await flush();
    releaseA();
    await heldByA;

    expect(await chosenByB).toEqual(['Support']);
    expect(order).toEqual(['a chooses', 'a reserved', 'b chooses']);
  });

  it('keep the reservations when a session is rebuilt after its Secret changed', async () => {
    const platform = fakePlatform({ 'team-a-client': 'org-1', 'team-b-client': 'org-1' });
    const sessions = sessionsOn(platform);
    const a = sessions.sessionFor('team-a/prod', organization('team-a'), { clientId: 'team-a-client', clientSecret: 'secret-a' });
    await a.withNameLock(() => Promise.resolve(a.reserveName('Support', 'integration-a', NOW, 'uid-a')));

    const rotated = sessions.sessionFor('team-a/prod', organization('team-a'), { clientId: 'team-a-client', clientSecret: 'rotated' });
    const b = sessions.sessionFor('team-b/prod', organization('team-b'), { clientId: 'team-b-client', clientSecret: 'secret-b' });

    expect(rotated).not.toBe(a);
    expect(await b.withNameLock(() => Promise.resolve(b.reservedNames(NOW, 'integration-b', 'uid-b')))).toEqual(['Support']);
  });

  it('keep their names apart when they are two different orgs', async () => {
    const platform = fakePlatform({ 'team-a-client': 'org-1', 'team-b-client': 'org-2' });
    const sessions = sessionsOn(platform);
    const a = sessions.sessionFor('team-a/prod', organization('team-a'), { clientId: 'team-a-client', clientSecret: 'secret-a' });
    const b = sessions.sessionFor('team-b/prod', organization('team-b'), { clientId: 'team-b-client', clientSecret: 'secret-b' });
    await a.withNameLock(() => Promise.resolve(a.reserveName('Support', 'integration-a', NOW, 'uid-a')));
    expect(await b.withNameLock(() => Promise.resolve(b.reservedNames(NOW, 'integration-b', 'uid-b')))).toEqual([]);
  });

  it('read the org id once per session, not again when the org reconciler already read the org', async () => {
    const platform = fakePlatform({ 'team-a-client': 'org-1' });
    const a = sessionsOn(platform).sessionFor('team-a/prod', organization('team-a'), {
      clientId: 'team-a-client',
      clientSecret: 'secret-a',
    });
    await a.client.getOrganization();
    await a.withNameLock(() => Promise.resolve());
    await a.withNameLock(() => Promise.resolve());
    expect(platform.seen.filter((r) => r === 'GET /api/v2/organizations/me')).toHaveLength(1);
  });
});

/** Whole seconds of the manual clock until every call has its answer. */
async function secondsUntilDone(clock: ReturnType<typeof manualClock>, calls: Promise<unknown>[]): Promise<number> {
  let done = false;
  const all = Promise.all(calls).then(() => {
    done = true;
  });
  await flush();
  let seconds = 0;
  while (!done && seconds < 20) {
    await clock.advance(1_000);
    seconds += 1;
  }
  await all;
  return seconds;
}

describe('two organization objects with one OAuth client', () => {
  it('log in once and spend one request budget between them', async () => {
    const platform = fakePlatform({ shared: 'org-1' });
    const clock = manualClock();
    const sessions = sessionsOn(platform, { now: clock.now, sleep: clock.sleep });
    // 60 a minute: a request a second, a burst of one.
    const a = sessions.sessionFor('team-a/prod', organization('team-a', 60), { clientId: 'shared', clientSecret: 's' });
    const b = sessions.sessionFor('team-b/prod', organization('team-b', 60), { clientId: 'shared', clientSecret: 's' });

    const calls = [a.client.getOrganization(), b.client.getOrganization(), a.client.listIntegrations(), b.client.listIntegrations()];

    // Five requests (one login, four calls) at one a second: the first at once, the last 4 s later.
    expect(await secondsUntilDone(clock, calls)).toBe(4);
    expect(platform.seen.filter((r) => r.startsWith('login'))).toEqual(['login shared']);
  });

  it('run at the lowest rate either object asks for', async () => {
    const platform = fakePlatform({ shared: 'org-1' });
    const clock = manualClock();
    const sessions = sessionsOn(platform, { now: clock.now, sleep: clock.sleep });
    const a = sessions.sessionFor('team-a/prod', organization('team-a', 60), { clientId: 'shared', clientSecret: 's' });
    sessions.sessionFor('team-b/prod', organization('team-b', 30), { clientId: 'shared', clientSecret: 's' });

    // Three requests (a login, two calls) at one every 2 s.
    expect(await secondsUntilDone(clock, [a.client.getOrganization(), a.client.getOrganization()])).toBe(4);
  });
});

describe('name reservations', () => {
  function session(listed: { id: string; name: string }[] = []): { session: OrgSession; deleted: string[] } {
    const deleted: string[] = [];
    const client = {
      getOrganization: () => Promise.resolve({ id: 'org-1', name: 'Acme' }),
      listIntegrations: () => Promise.resolve(listed.map((i) => ({ ...i, integrationType: { id: 'salesforce-datadip' } }))),
      deleteIntegration: (id: string) => {
        deleted.push(id);
        return Promise.resolve();
      },
    } as unknown as PlatformClient;
    return { session: new OrgSession('ns/org', client, 'fingerprint', 'key'), deleted };
  }

  it('pass to the integration that replaces a deleted one for the same resource', async () => {
    const { session: s } = session();
    await s.withNameLock(() => Promise.resolve(s.reserveName('Salesforce', 'deleted-by-hand', NOW, 'uid-r')));
    expect(s.reservedNames(NOW + 1_000, 'recreated', 'uid-r')).toEqual([]);
    s.reserveName('Salesforce', 'recreated', NOW + 1_000, 'uid-r');
    expect(s.reservedNames(NOW + 2_000, 'other', 'uid-other')).toEqual(['Salesforce']);
  });

  it('end when the operator deletes the integration', async () => {
    const { session: s } = session();
    await s.withNameLock(() => Promise.resolve(s.reserveName('Salesforce', 'old', NOW, 'uid-r')));
    await s.client.deleteIntegration('old');
    expect(s.reservedNames(NOW + 1_000, 'new', 'uid-other')).toEqual([]);
  });

  it('end when the integration is found gone', async () => {
    const { session: s } = session();
    await s.withNameLock(() => Promise.resolve(s.reserveName('Salesforce', 'old', NOW)));
    s.releaseName('old');
    expect(s.reservedNames(NOW + 1_000, 'new')).toEqual([]);
  });

  it('end when a fresh list shows the name on the integration that reserved it', async () => {
    const { session: s } = session([{ id: 'old', name: 'Salesforce' }]);
    await s.withNameLock(async () => {
      s.reserveName('Salesforce', 'old', NOW, 'uid-r');
      expect(await s.otherNames('new', NOW, () => NOW)).toEqual(['Salesforce']);
    });
    expect(s.reservedNames(NOW + 1_000, 'new', 'uid-other')).toEqual([]);
  });

  it('end when any listing, such as the marker search of one type, shows the name on its integration', async () => {
    const { session: s } = session([{ id: 'old', name: 'Salesforce' }]);
    await s.withNameLock(() => Promise.resolve(s.reserveName('Salesforce', 'old', NOW, 'uid-r')));
    await s.client.listIntegrations({ integrationType: 'salesforce-datadip' });
    expect(s.reservedNames(NOW + 1_000, 'new', 'uid-other')).toEqual([]);
  });

  it('hold while the list does not show the name yet', async () => {
    const { session: s } = session([{ id: 'old', name: 'Old name' }]);
    await s.withNameLock(async () => {
      s.reserveName('Salesforce', 'old', NOW, 'uid-r');
      await s.otherNames('new', NOW, () => NOW);
    });
    expect(s.reservedNames(NOW + 1_000, 'new', 'uid-other')).toEqual(['Salesforce']);
    expect(s.reservedNames(NOW + 121_000, 'new', 'uid-other')).toEqual([]);
  });
});
