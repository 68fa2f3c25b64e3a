// Adobe data actions: an Adobe I/O service account (JWT). Deprecated and removed by Genesys; nothing
// about its platform ids is confirmed: they are the guesses in UNCONFIRMED below.
import { planCredential } from './credential-plan.ts';
import { defineKind } from './kind.ts';
import { defineSecretSchema, delimitedHttpsUrls, endingWith, httpsUrl, pemPrivateKey } from './secret-schema.ts';
import { matchesDataActionsOf } from './catalogue-match.ts';

/**
 * What is not confirmed about Adobe on the platform (docs/platform-facts.md §1, §3): guesses, shared
 * with the project's emulator, to be corrected after a test against a real org.
 */
export const UNCONFIRMED = {
  /** §1: no public type id (and the type is deprecated); found in the types catalogue by name. */
  catalogueMatch: matchesDataActionsOf(/adobe/i),
  /** §3: the slot key is unknown. When the platform's type declares a single slot, that one is used instead. */
  credentialSlot: 'adobeJwt',
  /** §3: the credential type name is unknown. */
  credentialTypeName: 'adobeJwtServiceAccount',
  /** §3: the admin guide's dialog fields are known; the platform's field names are guessed. */
  fields: {
    clientId: 'clientId',
    clientSecret: 'clientSecret',
    orgId: 'orgId',
    technicalAccountId: 'technicalAccountId',
    privateKey: 'privateKey',
    loginUrl: 'loginUrl',
    audience: 'audience',
    metascopes: 'metascopes',
    sandboxName: 'sandboxName',
  },
} as const;
const ADOBE_FIELDS = UNCONFIRMED.fields;

// Defaults the admin guide gives for the dialog's optional fields.
export const ADOBE_DEFAULT_LOGIN_URL = 'https://ims-na1.adobelogin.com/ims/exchange/jwt';
export const ADOBE_DEFAULT_METASCOPES = 'https://ims-na1.adobelogin.com/s/ent_dataservices_sdk';
export function adobeDefaultAudience(clientId: string): string {
  return `https://ims-na1.adobelogin.com/c/${clientId}`;
}

const secret = defineSecretSchema({
  clientId: { secret: false },
  clientSecret: { secret: true },
  orgId: { secret: false, rule: endingWith('@AdobeOrg') },
  technicalAccountId: { secret: false, rule: endingWith('@techacct.adobe.com') },
  privateKey: { secret: true, rule: pemPrivateKey },
  loginUrl: { secret: false, optional: true, rule: httpsUrl },
  audience: { secret: false, optional: true, rule: httpsUrl },
  metascopes: { secret: false, optional: true, rule: delimitedHttpsUrls('|', 'pipe') },
  sandboxName: { secret: false, optional: true },
});

const credential = planCredential({
  credentialTypeName: UNCONFIRMED.credentialTypeName,
  secret,
  fields: (v) => ({
    [ADOBE_FIELDS.clientId]: v.clientId,
    [ADOBE_FIELDS.clientSecret]: v.clientSecret,
    [ADOBE_FIELDS.orgId]: v.orgId,
    [ADOBE_FIELDS.technicalAccountId]: v.technicalAccountId,
    [ADOBE_FIELDS.privateKey]: v.privateKey,
    [ADOBE_FIELDS.loginUrl]: v.loginUrl ?? ADOBE_DEFAULT_LOGIN_URL,
    [ADOBE_FIELDS.audience]: v.audience ?? adobeDefaultAudience(v.clientId),
    [ADOBE_FIELDS.metascopes]: v.metascopes ?? ADOBE_DEFAULT_METASCOPES,
    [ADOBE_FIELDS.sandboxName]: v.sandboxName,
  }),
});

export const adobe = defineKind<undefined>({
  type: 'Adobe',
  title: 'Adobe',
  catalogueMatch: UNCONFIRMED.catalogueMatch,
  installLimit: 10,
  deprecation:
    'Genesys deprecated the Adobe data actions integration and is removing it from Genesys Cloud ' +
    '(help center: "Deprecation: Removal of the Adobe data actions integration", linked from ' +
    'https://es-help.mypurecloud.com/?p=177879); move its data actions to another integration type',
  credentialSlot: UNCONFIRMED.credentialSlot,
  credentials: () => credential,
});
