// Which Secret values each type declares secret: those, and only those, go to the log scrubber.
import { describe, expect, it } from 'vitest';
import { kindOf } from '../../../src/integrations/index.ts';
import type { SecretData } from '../../../src/integrations/index.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { SecretScrubber } from '../../../src/observability/secret-scrubber.ts';
import { FAKE_PEM, googleKeyFile, VALID_SECRETS as S } from './fixtures.ts';

function secretValues(type: string, secret: SecretData, settings?: unknown): readonly string[] {
  const plan = kindOf(type).credentials(settings);
  if (plan === undefined) throw new Error(`${type} needs no credential`);
  return plan.secretValues(secret);
}

interface Row {
  readonly type: string;
  readonly variant?: string;
  readonly settings?: unknown;
  readonly secret: SecretData;
  readonly secrets: readonly string[];
}

const ROWS: Row[] = [
  { type: 'Adobe', secret: S.Adobe, secrets: [S.Adobe.clientSecret, FAKE_PEM] },
  { type: 'AWSLambda', secret: S.AWSLambda, secrets: [] },
  { type: 'GenesysCloud', secret: S.GenesysCloud, secrets: [S.GenesysCloud.clientSecret] },
  { type: 'Google', variant: 'CloudPlatformServiceAccount', secret: S.GoogleCloudPlatform, secrets: [FAKE_PEM] },
  {
    type: 'Google',
    variant: 'GSuiteServiceAccount',
    settings: { credentialType: 'GSuiteServiceAccount' },
    secret: S.GoogleGSuite,
    secrets: [FAKE_PEM],
  },
  { type: 'Google', variant: 'JSON key file', secret: { 'serviceAccountKey.json': googleKeyFile() }, secrets: [`${FAKE_PEM}\n`] },
  {
    type: 'Google',
    variant: 'a key file given with the keys it replaces',
    secret: { 'serviceAccountKey.json': googleKeyFile(), ...S.GoogleCloudPlatform },
    secrets: [`${FAKE_PEM}\n`, FAKE_PEM],
  },
  {
    type: 'Google',
    variant: 'a key file that does not parse',
    secret: { 'serviceAccountKey.json': '{not json' },
    secrets: ['{not json'],
  },
  {
    type: 'MicrosoftDynamics365',
    secret: S.MicrosoftDynamics365,
    secrets: [S.MicrosoftDynamics365.password],
  },
  { type: 'Salesforce', secret: S.Salesforce, secrets: [S.Salesforce.password, S.Salesforce.securityToken] },
  { type: 'WebServices', variant: 'BasicAuth', secret: S.WebServicesBasicAuth, secrets: [S.WebServicesBasicAuth.password] },
  {
    type: 'WebServices',
    variant: 'UserDefined: every value',
    settings: { credentialType: 'UserDefined' },
    secret: S.WebServicesUserDefined,
    secrets: Object.values(S.WebServicesUserDefined),
  },
  { type: 'Zendesk', secret: S.Zendesk, secrets: [S.Zendesk.apiToken] },
];

describe('the Secret values each type declares secret', () => {
  it.each(ROWS.map((row) => ({ ...row, name: row.variant === undefined ? row.type : `${row.type} ${row.variant}` })))(
    '$name: only the secret keys',
    ({ type, settings, secret, secrets }) => {
      expect([...secretValues(type, secret, settings)].sort()).toEqual([...secrets].sort());
    },
  );
});

describe('a Secret registered with the scrubber through its type', () => {
  it('leaves log words alone when a user name is one of them', () => {
    const lines: string[] = [];
    const scrubber = new SecretScrubber();
    const logger = createLogger('info', { write: (line: string) => lines.push(line) }, scrubber);
    const secret = { ...S.MicrosoftDynamics365, username: 'info', applicationId: 'Ready' };
    scrubber.replace('DataActionIntegration team-a/crm', secretValues('MicrosoftDynamics365', secret));
    logger.info({ condition: 'Ready' }, `Rejected ${secret.password}`);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 'info', condition: 'Ready', msg: 'Rejected [REDACTED]' });
  });
});
