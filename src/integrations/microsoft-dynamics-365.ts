// Microsoft Dynamics 365 data actions: a Dynamics user and the Azure AD application it signs in with.
import { planCredential } from './credential-plan.ts';
import { defineKind } from './kind.ts';
import { defineSecretSchema, httpsUrl } from './secret-schema.ts';

// Slot, type and fields: docs/platform-facts.md §3, CONFIRMED (DevOps dynamics-365 module).
const credential = planCredential({
  credentialTypeName: 'msDynamics',
  secret: defineSecretSchema({
    username: { secret: false },
    password: { secret: true },
    orgWebAddress: { secret: false, rule: { ...httpsUrl, expectation: 'must be an https URL such as "https://contoso.crm.dynamics.com"' } },
    applicationId: { secret: false },
  }),
  fields: (v) => ({
    username: v.username,
    password: v.password,
    orgWebAddress: v.orgWebAddress,
    applicationId: v.applicationId,
  }),
});

export const microsoftDynamics365 = defineKind<undefined>({
  type: 'MicrosoftDynamics365',
  title: 'Microsoft Dynamics 365',
  platformTypeId: 'microsoft-dynamics-data-actions',
  catalogueMatch: (entry) => entry.id === 'microsoft-dynamics-data-actions',
  installLimit: 10,
  credentialSlot: 'msDynamics',
  credentials: () => credential,
});
