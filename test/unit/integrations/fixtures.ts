// Secrets for the integration tests. Every value is distinctive, so a test can search a result for
// it and be sure a hit is a leak, not a coincidence.
import type { SecretData } from '../../../src/integrations/index.ts';

/** Syntactically PEM, cryptographically nothing. */
export const FAKE_PEM = [
  '-----BEGIN PRIVATE KEY-----',
  'MIIBVAIBADANBgkqhkiG9w0BAQEFAASCAT4wggE6AgEAAkEAZmFrZS1rZXktZm9yLXRlc3Rz',
  'bm90LWEtcmVhbC1rZXktcTdYOWZha2Vfa2V5X2RhdGFfMTIzNDU2Nzg5MA==',
  '-----END PRIVATE KEY-----',
].join('\n');

export const VALID_SECRETS = {
  Adobe: {
    clientId: 'adobeclient-c4f1',
    clientSecret: 'adobe-secret-Zq81x',
    orgId: 'ORG7731A@AdobeOrg',
    technicalAccountId: 'tech-5e21@techacct.adobe.com',
    privateKey: FAKE_PEM,
  },
  AWSLambda: { roleArn: 'arn:aws:iam::210987654321:role/genesys-lambda-invoker' },
  GenesysCloud: { clientId: 'gc-client-8d0b', clientSecret: 'gc-secret-Xw93p' },
  GoogleCloudPlatform: {
    clientId: '104719280017755123456',
    clientEmail: 'dataactions@proj-fake-2841.iam.gserviceaccount.com',
    privateKeyId: 'pkid-0f6c9e41',
    privateKey: FAKE_PEM,
  },
  GoogleGSuite: {
    serviceAccountEmail: 'gsuite-sa-77@proj-fake-2841.iam.gserviceaccount.com',
    privateKeyId: 'pkid-gsuite-19ab',
    privateKey: FAKE_PEM,
    scopes: 'https://www.googleapis.com/auth/admin.reports.usage.readonly, https://www.googleapis.com/auth/calendar.readonly',
  },
  MicrosoftDynamics365: {
    username: 'dyn-user-31@contoso-fake.onmicrosoft.com',
    password: 'dyn-pass-Kp20r',
    orgWebAddress: 'https://contoso-fake.crm.dynamics.com',
    applicationId: 'app-6b1e-4c2d',
  },
  Salesforce: { username: 'sf-user-52@example.org', password: 'sf-pass-Lm47q', securityToken: 'SFTOKENAS4DFA9Sasd' },
  WebServicesBasicAuth: { userName: 'ws-user-90', password: 'ws-pass-Tt66z' },
  WebServicesUserDefined: { apiKey: 'ws-apikey-Qa12', tenant: 'ws-tenant-Hb34' },
  Zendesk: { email: 'zd-agent-8@example.org', baseUrl: 'https://fake-sub-41.zendesk.com', apiToken: 'zd-token-Vc58n' },
} satisfies Record<string, SecretData>;

/** The JSON key file Google hands out for a service account (with a fake key). */
export function googleKeyFile(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: 'service_account',
    project_id: 'proj-fake-2841',
    private_key_id: 'pkid-file-3c7d',
    private_key: `${FAKE_PEM}\n`,
    client_email: 'file-sa-5@proj-fake-2841.iam.gserviceaccount.com',
    client_id: '118822334455667788990',
    ...overrides,
  });
}

/** Every value in a Secret that is long enough to be found by accident only if it leaked. */
export function valuesOf(secret: SecretData): string[] {
  return Object.values(secret)
    .map((v) => v.trim())
    .filter((v) => v.length >= 6);
}
