// Google data actions: a Google Cloud Platform or G Suite service account. The platform's ids and
// field names for Google are not confirmed: they are the guesses in UNCONFIRMED below.
import { z } from 'zod';
import { planCredential } from './credential-plan.ts';
import { defineKind } from './kind.ts';
import type { CredentialPlan, SecretData } from './kind.ts';
import { defineSecretSchema, delimitedHttpsUrls, describeIssue, emailAddress, nameKey, pemPrivateKey } from './secret-schema.ts';
import { matchesDataActionsOf } from './catalogue-match.ts';

/**
 * What is not confirmed about Google on the platform (docs/platform-facts.md §1, §3): guesses, to be
 * corrected after a test against a real org. Every Google fact not in this list is confirmed.
 */
export const UNCONFIRMED = {
  /** §1: the type id has no public source; found in the types catalogue by vendor and "data actions". */
  catalogueMatch: matchesDataActionsOf(/google/i),
  /** §3: the credential slot key is unknown; a guess in the style of the known slots. */
  credentialSlot: 'googleServiceAccount',
  /**
   * §3: no credential type names are published. These are the names the admin guide tells a person to
   * pick in the credential dialog, which are likely the type names.
   */
  credentialTypeNames: {
    CloudPlatformServiceAccount: 'googleCloudPlatformServiceAccount',
    GSuiteServiceAccount: 'googleGSuiteServiceAccount',
  },
  /** §3: only the dialog's labels are known (Client ID, Client Email, ...); the field names are guessed. */
  cloudPlatformFields: { clientId: 'clientId', clientEmail: 'clientEmail', privateKeyId: 'privateKeyId', privateKey: 'privateKey' },
  /** §3: labels Service Account Email, Private Key ID, Private Key, Scopes, User Email Impersonation; names guessed. */
  gSuiteFields: {
    serviceAccountEmail: 'serviceAccountEmail',
    privateKeyId: 'privateKeyId',
    privateKey: 'privateKey',
    scopes: 'scopes',
    impersonateUserEmail: 'impersonateUserEmail',
  },
} as const;
const GOOGLE_CLOUD_PLATFORM_FIELDS = UNCONFIRMED.cloudPlatformFields;
const GOOGLE_GSUITE_FIELDS = UNCONFIRMED.gSuiteFields;

export const googleSettings = z
  .object({
    credentialType: z
      .enum(['CloudPlatformServiceAccount', 'GSuiteServiceAccount'])
      .default('CloudPlatformServiceAccount')
      .describe(
        'The service account type: CloudPlatformServiceAccount (Secret keys clientId, clientEmail, ' +
          'privateKeyId, privateKey, or one key serviceAccountKey.json holding the JSON key file) or ' +
          'GSuiteServiceAccount (serviceAccountEmail, privateKeyId, privateKey, scopes, optional impersonateUserEmail).',
      ),
  })
  .describe('Settings for Google integrations.');

export type GoogleSettings = z.output<typeof googleSettings>;

/** The Secret key that may hold the whole JSON key file Google hands out for a service account. */
export const GOOGLE_KEY_FILE_KEY = 'serviceAccountKey.json';

// A private key id names the key (Google lists it in the console); only the key itself is secret.
const cloudPlatformKeys = defineSecretSchema({
  clientId: { secret: false },
  clientEmail: { secret: false, rule: emailAddress },
  privateKeyId: { secret: false },
  privateKey: { secret: true, rule: pemPrivateKey },
});

// The same four, as Google names them inside the JSON key file.
const keyFileFields = defineSecretSchema({
  client_id: { secret: false },
  client_email: { secret: false, rule: emailAddress },
  private_key_id: { secret: false },
  private_key: { secret: true, rule: pemPrivateKey },
});

const cloudPlatformFields = (v: {
  clientId: string;
  clientEmail: string;
  privateKeyId: string;
  privateKey: string;
}): Record<string, string> => ({
  [GOOGLE_CLOUD_PLATFORM_FIELDS.clientId]: v.clientId,
  [GOOGLE_CLOUD_PLATFORM_FIELDS.clientEmail]: v.clientEmail,
  [GOOGLE_CLOUD_PLATFORM_FIELDS.privateKeyId]: v.privateKeyId,
  [GOOGLE_CLOUD_PLATFORM_FIELDS.privateKey]: v.privateKey,
});

// JSON.parse's own error quotes the text it choked on, so it is never passed on.
function parseKeyFile(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const cloudPlatform: CredentialPlan = {
  credentialTypeName: UNCONFIRMED.credentialTypeNames.CloudPlatformServiceAccount,
  keys: { required: cloudPlatformKeys.keys.required, optional: [GOOGLE_KEY_FILE_KEY] },
  secretValues(secret: SecretData) {
    const keys = cloudPlatformKeys.secretValues(secret);
    const keyFile = secret[GOOGLE_KEY_FILE_KEY];
    if (keyFile === undefined) return keys;
    // The private key as the file holds it; a file that does not parse is all that is known, so all of it.
    const file = parseKeyFile(keyFile);
    return [...keys, ...(file === undefined ? [keyFile] : keyFileFields.secretValues(file))];
  },
  map(secret: SecretData) {
    const keyFile = secret[GOOGLE_KEY_FILE_KEY];
    if (keyFile === undefined) {
      const reading = cloudPlatformKeys.read(secret);
      if (reading.ok) return { ok: true, fields: cloudPlatformFields(reading.values) };
      const hint = ` (or put the JSON key file in ${nameKey(GOOGLE_KEY_FILE_KEY)})`;
      return { ok: false, issues: reading.issues.map((i) => ({ key: i.key, message: i.message + hint })) };
    }
    // Either the file or the four keys: with both, which one the platform gets would be a guess.
    const alsoGiven = cloudPlatformKeys.keys.required.filter((key) => secret[key] !== undefined);
    if (alsoGiven.length > 0) {
      const others = alsoGiven.map((key) => JSON.stringify(key)).join(', ');
      return { ok: false, issues: [describeIssue(GOOGLE_KEY_FILE_KEY, `cannot be combined with keys ${others}: use one or the other`)] };
    }
    const file = parseKeyFile(keyFile);
    if (file === undefined) {
      return {
        ok: false,
        issues: [describeIssue(GOOGLE_KEY_FILE_KEY, 'must hold a Google service account JSON key file (a JSON object)')],
      };
    }
    const reading = keyFileFields.readWithin(file, GOOGLE_KEY_FILE_KEY);
    if (!reading.ok) return reading;
    const v = reading.values;
    return {
      ok: true,
      fields: cloudPlatformFields({
        clientId: v.client_id,
        clientEmail: v.client_email,
        privateKeyId: v.private_key_id,
        privateKey: v.private_key,
      }),
    };
  },
};

const gSuite = planCredential({
  credentialTypeName: UNCONFIRMED.credentialTypeNames.GSuiteServiceAccount,
  secret: defineSecretSchema({
    serviceAccountEmail: { secret: false, rule: emailAddress },
    privateKeyId: { secret: false },
    privateKey: { secret: true, rule: pemPrivateKey },
    scopes: { secret: false, rule: delimitedHttpsUrls(',', 'comma') },
    impersonateUserEmail: { secret: false, optional: true, rule: emailAddress },
  }),
  fields: (v) => ({
    [GOOGLE_GSUITE_FIELDS.serviceAccountEmail]: v.serviceAccountEmail,
    [GOOGLE_GSUITE_FIELDS.privateKeyId]: v.privateKeyId,
    [GOOGLE_GSUITE_FIELDS.privateKey]: v.privateKey,
    [GOOGLE_GSUITE_FIELDS.scopes]: v.scopes,
    [GOOGLE_GSUITE_FIELDS.impersonateUserEmail]: v.impersonateUserEmail,
  }),
});

const PLANS: Record<GoogleSettings['credentialType'], CredentialPlan> = {
  CloudPlatformServiceAccount: cloudPlatform,
  GSuiteServiceAccount: gSuite,
};

export const google = defineKind<GoogleSettings>({
  type: 'Google',
  title: 'Google',
  catalogueMatch: UNCONFIRMED.catalogueMatch,
  installLimit: 100,
  credentialSlot: UNCONFIRMED.credentialSlot,
  settings: { key: 'google', schema: googleSettings },
  credentials: (settings) => PLANS[(settings ?? googleSettings.parse({})).credentialType],
});
