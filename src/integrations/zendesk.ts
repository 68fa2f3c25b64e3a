// Zendesk data actions: a Zendesk agent's API token.
import { planCredential } from './credential-plan.ts';
import { defineKind } from './kind.ts';
import { defineSecretSchema, emailAddress, matching } from './secret-schema.ts';

const ZENDESK_BASE_URL = /^https:\/\/[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.zendesk\.com\/?$/i;

// Slot, type and fields: docs/platform-facts.md §3, CONFIRMED (DevOps zendesk module). The Secret says
// `email` as the dialog does; the platform field is `userEmail`.
const credential = planCredential({
  credentialTypeName: 'zendeskApiToken',
  secret: defineSecretSchema({
    email: { secret: false, rule: emailAddress },
    baseUrl: { secret: false, rule: matching(ZENDESK_BASE_URL, 'must look like "https://{subdomain}.zendesk.com"') },
    apiToken: { secret: true },
  }),
  fields: (v) => ({ userEmail: v.email, baseUrl: v.baseUrl, apiToken: v.apiToken }),
});

export const zendesk = defineKind<undefined>({
  type: 'Zendesk',
  title: 'Zendesk',
  platformTypeId: 'zendesk-data-actions',
  catalogueMatch: (entry) => entry.id === 'zendesk-data-actions',
  installLimit: 10,
  credentialSlot: 'zendeskApiToken',
  credentials: () => credential,
});
