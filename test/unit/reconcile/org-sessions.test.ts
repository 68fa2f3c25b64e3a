import { describe, expect, it } from 'vitest';
import { kindOf } from '../../../src/integrations/index.ts';
import type { IntegrationType, PlatformClient } from '../../../src/platform/index.ts';
import { OrgSession } from '../../../src/reconcile/org-sessions.ts';

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
