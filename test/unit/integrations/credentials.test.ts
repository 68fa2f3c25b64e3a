import { describe, expect, it } from 'vitest';
import { kindOf } from '../../../src/integrations/index.ts';
import type { SecretData } from '../../../src/integrations/index.ts';
import { FAKE_PEM, VALID_SECRETS as S } from './fixtures.ts';

interface ValidCase {
  readonly name: string;
  readonly type: string;
  readonly settings?: unknown;
  readonly secret: SecretData;
  readonly credentialTypeName: string;
  readonly fields: Record<string, string>;
  readonly properties?: Record<string, unknown>;
}

// The exact credential body the platform gets (`type.name` + `credentialFields`) for each type and
// credential type. Names for Adobe and Google are the guesses in their files' UNCONFIRMED lists.
const VALID: ValidCase[] = [
  {
    name: 'Adobe',
    type: 'Adobe',
    secret: S.Adobe,
    credentialTypeName: 'adobeJwtServiceAccount',
    fields: {
      ...S.Adobe,
      loginUrl: 'https://ims-na1.adobelogin.com/ims/exchange/jwt',
      audience: 'https://ims-na1.adobelogin.com/c/adobeclient-c4f1',
      metascopes: 'https://ims-na1.adobelogin.com/s/ent_dataservices_sdk',
    },
  },
  {
    name: 'AWS Lambda',
    type: 'AWSLambda',
    secret: S.AWSLambda,
    credentialTypeName: 'amazonWebServicesARN',
    fields: { ARN: 'arn:aws:iam::210987654321:role/genesys-lambda-invoker' },
  },
  {
    name: 'Genesys Cloud',
    type: 'GenesysCloud',
    secret: S.GenesysCloud,
    credentialTypeName: 'pureCloudOAuthClient',
    fields: { clientId: 'gc-client-8d0b', clientSecret: 'gc-secret-Xw93p' },
  },
  {
    name: 'Google with the default credential type (Cloud Platform)',
    type: 'Google',
    secret: S.GoogleCloudPlatform,
    credentialTypeName: 'googleCloudPlatformServiceAccount',
    fields: S.GoogleCloudPlatform,
  },
  {
    name: 'Google Cloud Platform service account',
    type: 'Google',
    settings: { credentialType: 'CloudPlatformServiceAccount' },
    secret: S.GoogleCloudPlatform,
    credentialTypeName: 'googleCloudPlatformServiceAccount',
    fields: S.GoogleCloudPlatform,
  },
  {
    name: 'Google G Suite service account',
    type: 'Google',
    settings: { credentialType: 'GSuiteServiceAccount' },
    secret: { ...S.GoogleGSuite, impersonateUserEmail: 'admin-imp@example.org' },
    credentialTypeName: 'googleGSuiteServiceAccount',
    fields: { ...S.GoogleGSuite, impersonateUserEmail: 'admin-imp@example.org' },
  },
  {
    name: 'Google G Suite service account without impersonation',
    type: 'Google',
    settings: { credentialType: 'GSuiteServiceAccount' },
    secret: S.GoogleGSuite,
    credentialTypeName: 'googleGSuiteServiceAccount',
    fields: S.GoogleGSuite,
  },
  {
    name: 'Microsoft Dynamics 365',
    type: 'MicrosoftDynamics365',
    secret: S.MicrosoftDynamics365,
    credentialTypeName: 'msDynamics',
    fields: S.MicrosoftDynamics365,
  },
  {
    name: 'Salesforce',
    type: 'Salesforce',
    secret: S.Salesforce,
    credentialTypeName: 'salesforce',
    fields: { ...S.Salesforce, loginUrl: 'https://login.salesforce.com' },
  },
  {
    name: 'Web services with no settings block (BasicAuth, Genesys Cloud CA)',
    type: 'WebServices',
    secret: S.WebServicesBasicAuth,
    credentialTypeName: 'basicAuth',
    fields: { userName: 'ws-user-90', password: 'ws-pass-Tt66z' },
    properties: { clientCertificateAuthority: 'Genesys Cloud' },
  },
  {
    name: 'Web services BasicAuth without a password',
    type: 'WebServices',
    settings: { credentialType: 'BasicAuth' },
    secret: { userName: 'ws-user-90' },
    credentialTypeName: 'basicAuth',
    fields: { userName: 'ws-user-90' },
    properties: { clientCertificateAuthority: 'Genesys Cloud' },
  },
  {
    name: 'Web services UserDefined with the DigiCert CA',
    type: 'WebServices',
    settings: { credentialType: 'UserDefined', clientCertificateAuthority: 'DigiCert' },
    secret: S.WebServicesUserDefined,
    credentialTypeName: 'userDefined',
    fields: S.WebServicesUserDefined,
    properties: { clientCertificateAuthority: 'DigiCert' },
  },
  {
    name: 'Web services UserDefinedOAuth',
    type: 'WebServices',
    settings: { credentialType: 'UserDefinedOAuth' },
    secret: { clientId: 'oauth-cid-5f', clientSecret: 'oauth-sec-Rr72', tokenUrl: 'https://auth.example.org/token' },
    credentialTypeName: 'userDefinedOAuth',
    fields: { clientId: 'oauth-cid-5f', clientSecret: 'oauth-sec-Rr72', tokenUrl: 'https://auth.example.org/token' },
    properties: { clientCertificateAuthority: 'Genesys Cloud' },
  },
  {
    name: 'Zendesk',
    type: 'Zendesk',
    secret: S.Zendesk,
    credentialTypeName: 'zendeskApiToken',
    fields: { userEmail: 'zd-agent-8@example.org', baseUrl: 'https://fake-sub-41.zendesk.com', apiToken: 'zd-token-Vc58n' },
  },
];

function withTrailingNewlines(secret: SecretData): SecretData {
  return Object.fromEntries(Object.entries(secret).map(([k, v]) => [k, `${v}\n`]));
}

describe('credentials of every integration type', () => {
  it.each(VALID)('maps a valid Secret to the platform credential: $name', (c) => {
    const kind = kindOf(c.type);
    const plan = kind.credentials(c.settings);
    expect(plan?.credentialTypeName).toBe(c.credentialTypeName);
    expect(plan?.map(c.secret)).toEqual({ ok: true, fields: c.fields });
    expect(kind.properties(c.settings)).toEqual(c.properties ?? {});
  });

  it.each(VALID)('trims the newline a Secret made with echo carries: $name', (c) => {
    const plan = kindOf(c.type).credentials(c.settings);
    expect(plan?.map(withTrailingNewlines(c.secret))).toEqual({ ok: true, fields: c.fields });
  });

  it('ignores Secret keys the type does not read', () => {
    const plan = kindOf('GenesysCloud').credentials(undefined);
    expect(plan?.map({ ...S.GenesysCloud, note: 'rotated-by-vault' })).toEqual({
      ok: true,
      fields: { clientId: 'gc-client-8d0b', clientSecret: 'gc-secret-Xw93p' },
    });
  });

  it('needs no credential for Web services with credential type None', () => {
    const kind = kindOf('WebServices');
    expect(kind.credentials({ credentialType: 'None' })).toBeUndefined();
    expect(kind.properties({ credentialType: 'None' })).toEqual({ clientCertificateAuthority: 'Genesys Cloud' });
  });

  it.each([
    ['the commercial partition, with a path', 'arn:aws:iam::123456789012:role/service-role/genesys/invoker'],
    ['the China partition', 'arn:aws-cn:iam::123456789012:role/invoker'],
    ['the GovCloud partition', 'arn:aws-us-gov:iam::123456789012:role/invoker.name+x=y,z@w'],
  ])('accepts an IAM role ARN in %s', (_where, arn) => {
    expect(kindOf('AWSLambda').credentials(undefined)?.map({ roleArn: arn })).toEqual({ ok: true, fields: { ARN: arn } });
  });

  it('accepts a PEM key whose line breaks are written as \\n, as pasted from a JSON key file', () => {
    const pasted = FAKE_PEM.replaceAll('\n', '\\n');
    const result = kindOf('Google')
      .credentials(undefined)
      ?.map({ ...S.GoogleCloudPlatform, privateKey: pasted });
    expect(result).toEqual({ ok: true, fields: { ...S.GoogleCloudPlatform, privateKey: pasted } });
  });
});

describe('defaults the admin guide gives', () => {
  it('derives the Adobe audience from the client id and fills login URL and metascopes', () => {
    const result = kindOf('Adobe')
      .credentials(undefined)
      ?.map({ ...S.Adobe, clientId: 'other-client-99' });
    expect(result).toMatchObject({
      ok: true,
      fields: {
        audience: 'https://ims-na1.adobelogin.com/c/other-client-99',
        loginUrl: 'https://ims-na1.adobelogin.com/ims/exchange/jwt',
        metascopes: 'https://ims-na1.adobelogin.com/s/ent_dataservices_sdk',
      },
    });
  });

  it('keeps the Adobe values the Secret gives instead of the defaults', () => {
    const given = {
      loginUrl: 'https://ims-eu1.adobelogin.example/ims/exchange/jwt',
      audience: 'https://ims-eu1.adobelogin.example/c/adobeclient-c4f1',
      metascopes: 'https://ims-na1.adobelogin.com/s/ent_analytics_bulk_ingest_sdk|https://ims-na1.adobelogin.com/s/ent_dataservices_sdk',
      sandboxName: 'dev-sandbox-3',
    };
    const result = kindOf('Adobe')
      .credentials(undefined)
      ?.map({ ...S.Adobe, ...given });
    expect(result).toEqual({ ok: true, fields: { ...S.Adobe, ...given } });
  });

  it('treats a blank optional key as absent, so its default applies', () => {
    const result = kindOf('Salesforce')
      .credentials(undefined)
      ?.map({ ...S.Salesforce, loginUrl: '  \n' });
    expect(result).toMatchObject({ ok: true, fields: { loginUrl: 'https://login.salesforce.com' } });
  });

  it('sends the Salesforce sandbox login URL when the Secret names it', () => {
    const result = kindOf('Salesforce')
      .credentials(undefined)
      ?.map({ ...S.Salesforce, loginUrl: 'https://test.salesforce.com' });
    expect(result).toMatchObject({ ok: true, fields: { loginUrl: 'https://test.salesforce.com' } });
  });
});
