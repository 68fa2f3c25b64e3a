// Salesforce data actions: an API-enabled Salesforce user.
import { planCredential } from './credential-plan.ts';
import { defineKind } from './kind.ts';
import { defineSecretSchema, httpsUrl } from './secret-schema.ts';

/** The admin guide's default; sandboxes use https://test.salesforce.com. */
export const SALESFORCE_DEFAULT_LOGIN_URL = 'https://login.salesforce.com';

// Slot, type and fields: docs/platform-facts.md §3, CONFIRMED (DevOps salesforce module). The slot is not
// named like the credential type.
const credential = planCredential({
  credentialTypeName: 'salesforce',
  secret: defineSecretSchema({
    username: { secret: false },
    password: { secret: true },
    securityToken: { secret: true },
    loginUrl: { secret: false, optional: true, rule: httpsUrl },
  }),
  fields: (v) => ({
    username: v.username,
    password: v.password,
    securityToken: v.securityToken,
    loginUrl: v.loginUrl ?? SALESFORCE_DEFAULT_LOGIN_URL,
  }),
});

export const salesforce = defineKind<undefined>({
  type: 'Salesforce',
  title: 'Salesforce',
  platformTypeId: 'salesforce-datadip',
  catalogueMatch: (entry) => entry.id === 'salesforce-datadip',
  installLimit: 50,
  credentialSlot: 'salesforceUser',
  credentials: () => credential,
});
