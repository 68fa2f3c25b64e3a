// Genesys Cloud data actions: calls the platform API of an org with one of its OAuth clients.
import { planCredential } from './credential-plan.ts';
import { defineKind } from './kind.ts';
import { defineSecretSchema } from './secret-schema.ts';

// Slot, type and fields: docs/platform-facts.md §3, CONFIRMED (terraform provider example).
const credential = planCredential({
  credentialTypeName: 'pureCloudOAuthClient',
  secret: defineSecretSchema({ clientId: { secret: false }, clientSecret: { secret: true } }),
  fields: (v) => ({ clientId: v.clientId, clientSecret: v.clientSecret }),
});

export const genesysCloud = defineKind<undefined>({
  type: 'GenesysCloud',
  title: 'Genesys Cloud',
  platformTypeId: 'purecloud-data-actions',
  catalogueMatch: (entry) => entry.id === 'purecloud-data-actions',
  installLimit: 10,
  credentialSlot: 'pureCloudOAuthClient',
  credentials: () => credential,
});
