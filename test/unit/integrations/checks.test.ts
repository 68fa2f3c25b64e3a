import { describe, expect, it } from 'vitest';
import { kindOf } from '../../../src/integrations/index.ts';
import type { SecretData } from '../../../src/integrations/index.ts';
import { VALID_SECRETS as S, valuesOf } from './fixtures.ts';

interface CheckCase {
  readonly check: string;
  readonly type: string;
  readonly settings?: unknown;
  readonly secret: SecretData;
  readonly key: string;
  readonly message: string;
}

function without(secret: SecretData, key: string): SecretData {
  return Object.fromEntries(Object.entries(secret).filter(([k]) => k !== key));
}

const GSUITE = { credentialType: 'GSuiteServiceAccount' };
const PEM_EXPECTED = 'must be a PEM private key ("-----BEGIN PRIVATE KEY-----" ... "-----END PRIVATE KEY-----")';

// Every check the admin guide implies, with a distinctive bad value the result must never echo.
const CHECKS: CheckCase[] = [
  {
    check: 'Adobe orgId ends with @AdobeOrg',
    type: 'Adobe',
    secret: { ...S.Adobe, orgId: 'ORG7731A@adobe-wrong-9x' },
    key: 'orgId',
    message: 'key "orgId" must end with "@AdobeOrg"',
  },
  {
    check: 'Adobe technicalAccountId ends with @techacct.adobe.com',
    type: 'Adobe',
    secret: { ...S.Adobe, technicalAccountId: 'tech-5e21@elsewhere-77.com' },
    key: 'technicalAccountId',
    message: 'key "technicalAccountId" must end with "@techacct.adobe.com"',
  },
  {
    check: 'Adobe private key is PEM',
    type: 'Adobe',
    secret: { ...S.Adobe, privateKey: 'not-a-pem-Ux81kLq' },
    key: 'privateKey',
    message: `key "privateKey" ${PEM_EXPECTED}`,
  },
  {
    check: 'Adobe login URL is https',
    type: 'Adobe',
    secret: { ...S.Adobe, loginUrl: 'http://ims-plain-31.example.com/jwt' },
    key: 'loginUrl',
    message: 'key "loginUrl" must be an https URL',
  },
  {
    check: 'Adobe audience is https',
    type: 'Adobe',
    secret: { ...S.Adobe, audience: 'audience-nourl-8q' },
    key: 'audience',
    message: 'key "audience" must be an https URL',
  },
  {
    check: 'Adobe metascopes are pipe-delimited URLs',
    type: 'Adobe',
    secret: { ...S.Adobe, metascopes: 'https://ims-na1.adobelogin.com/s/a,https://ims-na1.adobelogin.com/s/b' },
    key: 'metascopes',
    message: 'key "metascopes" must be pipe-delimited https URLs',
  },
  {
    check: 'Adobe client secret is required',
    type: 'Adobe',
    secret: without(S.Adobe, 'clientSecret'),
    key: 'clientSecret',
    message: 'key "clientSecret" is missing',
  },
  {
    check: 'AWS Lambda role ARN names a role, not a user',
    type: 'AWSLambda',
    secret: { roleArn: 'arn:aws:iam::210987654321:user/lambda-user-4q' },
    key: 'roleArn',
    message: 'key "roleArn" must be an IAM role ARN ("arn:aws:iam::<12-digit account>:role/<name>")',
  },
  {
    check: 'AWS Lambda role ARN has a 12-digit account',
    type: 'AWSLambda',
    secret: { roleArn: 'arn:aws:iam::2109876:role/short-acct-5w' },
    key: 'roleArn',
    message: 'key "roleArn" must be an IAM role ARN ("arn:aws:iam::<12-digit account>:role/<name>")',
  },
  {
    check: 'AWS Lambda role ARN is in a known partition',
    type: 'AWSLambda',
    secret: { roleArn: 'arn:aws-moon:iam::210987654321:role/moon-role-2e' },
    key: 'roleArn',
    message: 'key "roleArn" must be an IAM role ARN ("arn:aws:iam::<12-digit account>:role/<name>")',
  },
  {
    check: 'Genesys Cloud client secret is required',
    type: 'GenesysCloud',
    secret: without(S.GenesysCloud, 'clientSecret'),
    key: 'clientSecret',
    message: 'key "clientSecret" is missing',
  },
  {
    check: 'Genesys Cloud client id is not blank',
    type: 'GenesysCloud',
    secret: { ...S.GenesysCloud, clientId: ' \n ' },
    key: 'clientId',
    message: 'key "clientId" is empty',
  },
  {
    check: 'Google client email is an email',
    type: 'Google',
    secret: { ...S.GoogleCloudPlatform, clientEmail: 'no-at-sign-gq71' },
    key: 'clientEmail',
    message: 'key "clientEmail" must be an email address (or put the JSON key file in key "serviceAccountKey.json")',
  },
  {
    check: 'Google private key is PEM',
    type: 'Google',
    secret: { ...S.GoogleCloudPlatform, privateKey: 'MIIEvQIBADANBg-no-armour-7' },
    key: 'privateKey',
    message: `key "privateKey" ${PEM_EXPECTED} (or put the JSON key file in key "serviceAccountKey.json")`,
  },
  {
    check: 'Google private key id is required',
    type: 'Google',
    secret: without(S.GoogleCloudPlatform, 'privateKeyId'),
    key: 'privateKeyId',
    message: 'key "privateKeyId" is missing (or put the JSON key file in key "serviceAccountKey.json")',
  },
  {
    check: 'G Suite service account email is an email',
    type: 'Google',
    settings: GSUITE,
    secret: { ...S.GoogleGSuite, serviceAccountEmail: 'sa-without-domain-3k@' },
    key: 'serviceAccountEmail',
    message: 'key "serviceAccountEmail" must be an email address',
  },
  {
    check: 'G Suite scopes are comma-delimited URLs',
    type: 'Google',
    settings: GSUITE,
    secret: { ...S.GoogleGSuite, scopes: 'https://www.googleapis.com/auth/a admin.reports-9z' },
    key: 'scopes',
    message: 'key "scopes" must be comma-delimited https URLs',
  },
  {
    check: 'G Suite impersonated user is an email',
    type: 'Google',
    settings: GSUITE,
    secret: { ...S.GoogleGSuite, impersonateUserEmail: 'imp-user-no-domain-6' },
    key: 'impersonateUserEmail',
    message: 'key "impersonateUserEmail" must be an email address',
  },
  {
    check: 'G Suite private key is PEM',
    type: 'Google',
    settings: GSUITE,
    secret: { ...S.GoogleGSuite, privateKey: 'gsuite-not-pem-4r' },
    key: 'privateKey',
    message: `key "privateKey" ${PEM_EXPECTED}`,
  },
  {
    check: 'Dynamics org web address is https',
    type: 'MicrosoftDynamics365',
    secret: { ...S.MicrosoftDynamics365, orgWebAddress: 'http://contoso-plain-2.crm.dynamics.com' },
    key: 'orgWebAddress',
    message: 'key "orgWebAddress" must be an https URL such as "https://contoso.crm.dynamics.com"',
  },
  {
    check: 'Dynamics application id is required',
    type: 'MicrosoftDynamics365',
    secret: without(S.MicrosoftDynamics365, 'applicationId'),
    key: 'applicationId',
    message: 'key "applicationId" is missing',
  },
  {
    check: 'Salesforce login URL is https',
    type: 'Salesforce',
    secret: { ...S.Salesforce, loginUrl: 'login-sf-nourl-5t' },
    key: 'loginUrl',
    message: 'key "loginUrl" must be an https URL',
  },
  {
    check: 'Salesforce security token is required',
    type: 'Salesforce',
    secret: without(S.Salesforce, 'securityToken'),
    key: 'securityToken',
    message: 'key "securityToken" is missing',
  },
  {
    check: 'Web services BasicAuth user name is required',
    type: 'WebServices',
    secret: { password: 'ws-pass-Tt66z' },
    key: 'userName',
    message: 'key "userName" is missing',
  },
  {
    check: 'Web services UserDefined needs at least one key',
    type: 'WebServices',
    settings: { credentialType: 'UserDefined' },
    secret: {},
    key: '*',
    message: 'the Secret has no keys: credential type userDefined sends every key as a field and needs at least one',
  },
  {
    check: 'Zendesk base URL is https://{subdomain}.zendesk.com',
    type: 'Zendesk',
    secret: { ...S.Zendesk, baseUrl: 'https://fake-sub-41.zendesk.evil-3.com' },
    key: 'baseUrl',
    message: 'key "baseUrl" must look like "https://{subdomain}.zendesk.com"',
  },
  {
    check: 'Zendesk base URL is https',
    type: 'Zendesk',
    secret: { ...S.Zendesk, baseUrl: 'http://plain-sub-2.zendesk.com' },
    key: 'baseUrl',
    message: 'key "baseUrl" must look like "https://{subdomain}.zendesk.com"',
  },
  {
    check: 'Zendesk email is an email',
    type: 'Zendesk',
    secret: { ...S.Zendesk, email: 'zd-agent-at-nowhere-5' },
    key: 'email',
    message: 'key "email" must be an email address',
  },
  {
    check: 'Zendesk API token is required',
    type: 'Zendesk',
    secret: without(S.Zendesk, 'apiToken'),
    key: 'apiToken',
    message: 'key "apiToken" is missing',
  },
];

describe('checks on Secret values', () => {
  it.each(CHECKS)('names the key and nothing else: $check', (c) => {
    const result = kindOf(c.type).credentials(c.settings)?.map(c.secret);
    expect(result).toEqual({ ok: false, issues: [{ key: c.key, message: c.message }] });
    const returned = JSON.stringify(result);
    for (const value of valuesOf(c.secret)) expect(returned).not.toContain(value);
  });

  it('reports every bad key at once, each once', () => {
    const result = kindOf('Adobe')
      .credentials(undefined)
      ?.map({ clientId: 'adobeclient-c4f1', orgId: 'bad-org-1x', technicalAccountId: 'bad-tech-2y', privateKey: 'bad-pem-3z' });
    expect(result).toEqual({
      ok: false,
      issues: [
        { key: 'clientSecret', message: 'key "clientSecret" is missing' },
        { key: 'orgId', message: 'key "orgId" must end with "@AdobeOrg"' },
        { key: 'technicalAccountId', message: 'key "technicalAccountId" must end with "@techacct.adobe.com"' },
        { key: 'privateKey', message: `key "privateKey" ${PEM_EXPECTED}` },
      ],
    });
  });
});
