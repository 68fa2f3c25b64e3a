// Web services data actions: calls any REST service, with one of three credential types or none.
import { z } from 'zod';
import { planCredential } from './credential-plan.ts';
import { defineKind } from './kind.ts';
import type { CredentialIssue, CredentialPlan, SecretData } from './kind.ts';
import { defineSecretSchema } from './secret-schema.ts';

export const webServicesSettings = z
  .object({
    credentialType: z
      .enum(['BasicAuth', 'UserDefined', 'UserDefinedOAuth', 'None'])
      .default('BasicAuth')
      .describe(
        'The credential type: BasicAuth (Secret keys userName and optional password), UserDefined or ' +
          'UserDefinedOAuth (every Secret key becomes a credential field), or None (no Secret). ' +
          'Immutable once set: changing it breaks published data actions.',
      ),
    clientCertificateAuthority: z
      .enum(['GenesysCloud', 'DigiCert'])
      .default('GenesysCloud')
      .describe('The authority that signs the mutual TLS client certificate Genesys Cloud presents: GenesysCloud or DigiCert.'),
  })
  .describe('Settings for Web services integrations.');

export type WebServicesSettings = z.output<typeof webServicesSettings>;
type WebServicesCredentialType = WebServicesSettings['credentialType'];

/**
 * What is not confirmed about Web services on the platform (docs/platform-facts.md §4): a guess, to be
 * corrected after a test against a real org.
 */
export const UNCONFIRMED = {
  /** §4: the `clientCertificateAuthority` value of the DigiCert option ("DigiCert" or "Digicert"). */
  digiCertCertificateAuthority: 'DigiCert',
} as const;

/** Says when a DataActionIntegration needs no credentials, in words (for the CRD's descriptions). */
export const CREDENTIALS_NOT_NEEDED = 'WebServices with credentialType None';

// The strings `config.current.properties.clientCertificateAuthority` takes (docs/platform-facts.md §4);
// "Genesys Cloud" is confirmed.
const CERTIFICATE_AUTHORITY_VALUES: Record<WebServicesSettings['clientCertificateAuthority'], string> = {
  GenesysCloud: 'Genesys Cloud',
  DigiCert: UNCONFIRMED.digiCertCertificateAuthority,
};

const basicAuth = planCredential({
  credentialTypeName: 'basicAuth',
  // The help center says the password may be left empty.
  secret: defineSecretSchema({ userName: { secret: false }, password: { secret: true, optional: true } }),
  fields: (v) => ({ userName: v.userName, password: v.password }),
});

/**
 * User-defined credentials: every Secret key is a field, used in templates as ${credentials.<key>}.
 * Nothing tells which of them are secret, so every value is.
 */
function passThrough(credentialTypeName: string): CredentialPlan {
  return {
    credentialTypeName,
    keys: { required: [], optional: [] },
    secretValues: (secret) => Object.values(secret),
    map(secret: SecretData) {
      const keys = Object.keys(secret);
      if (keys.length === 0) {
        const issue: CredentialIssue = {
          key: '*',
          message: `the Secret has no keys: credential type ${credentialTypeName} sends every key as a field and needs at least one`,
        };
        return { ok: false, issues: [issue] };
      }
      // Trimmed like every other type's values (a Secret made with `echo` ends in a newline).
      return { ok: true, fields: Object.fromEntries(keys.map((key) => [key, (secret[key] ?? '').trim()])) };
    },
  };
}

const PLANS: Record<WebServicesCredentialType, CredentialPlan | undefined> = {
  BasicAuth: basicAuth,
  UserDefined: passThrough('userDefined'),
  UserDefinedOAuth: passThrough('userDefinedOAuth'),
  None: undefined,
};

const defaults = (): WebServicesSettings => webServicesSettings.parse({});

// An absent block means the defaults, so BasicAuth stands in for a missing credentialType on either side.
const CREDENTIAL_TYPE_NOW =
  "(has(self.webServices) && has(self.webServices.credentialType) ? self.webServices.credentialType : 'BasicAuth')";
const CREDENTIAL_TYPE_BEFORE =
  "(has(oldSelf.webServices) && has(oldSelf.webServices.credentialType) ? oldSelf.webServices.credentialType : 'BasicAuth')";

export const webServices = defineKind<WebServicesSettings>({
  type: 'WebServices',
  title: 'Web services',
  platformTypeId: 'custom-rest-actions',
  catalogueMatch: (entry) => entry.id === 'custom-rest-actions',
  installLimit: 50,
  // docs/platform-facts.md §3: the slot is `basicAuth` whatever the credential type.
  credentialSlot: 'basicAuth',
  settings: {
    key: 'webServices',
    schema: webServicesSettings,
    rules: [
      {
        rule: `${CREDENTIAL_TYPE_NOW} == ${CREDENTIAL_TYPE_BEFORE}`,
        message: 'spec.webServices.credentialType is immutable: changing it breaks published data actions',
        fieldPath: '.webServices.credentialType',
        reason: 'FieldValueInvalid',
      },
    ],
  },
  secretOptionalWhen: "has(self.webServices) && has(self.webServices.credentialType) && self.webServices.credentialType == 'None'",
  credentials: (settings) => PLANS[(settings ?? defaults()).credentialType],
  properties: (settings) => ({
    clientCertificateAuthority: CERTIFICATE_AUTHORITY_VALUES[(settings ?? defaults()).clientCertificateAuthority],
  }),
});
