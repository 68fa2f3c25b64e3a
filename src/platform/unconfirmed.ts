// Every fact about Genesys Cloud that /work/shared/platform-api.md tags UNCONFIRMED and that the
// operator relies on lives here, and only here, so that correcting one after a test against a real
// org is a one-line change. Each entry cites the section of platform-api.md it comes from.

/**
 * How the platform rejects a create beyond the per-type install limit. platform-api.md §9 "Error when
 * the limit is hit": UNCONFIRMED, "expect a 4xx ErrorBody (probably 400 or 409)". The project emulator,
 * by agreement, answers 400 with code "max.instances.reached" and a message like
 * "Maximum number of instances (10) reached for integration type X".
 */
export const INSTALL_LIMIT_ERROR_CODE_FRAGMENT = 'max.instances';
export const INSTALL_LIMIT_MESSAGE_PATTERN = /maximum number of instances/i;

/** True when an error answer looks like the install limit (see above); any 4xx status qualifies. */
export function isInstallLimitError(status: number, platformCode: string | undefined, message: string | undefined): boolean {
  if (status < 400 || status >= 500) return false;
  if (platformCode !== undefined && platformCode.includes(INSTALL_LIMIT_ERROR_CODE_FRAGMENT)) return true;
  return message !== undefined && INSTALL_LIMIT_MESSAGE_PATTERN.test(message);
}

/**
 * Page size bounds of the page-based listings. platform-api.md §2 "List integrations": the developer
 * center says 1–999; "The bound is UNCONFIRMED". The client asks for the maximum, so that a listing
 * rarely needs a second page (TF uses 100, CONFIRMED, should 999 be refused).
 */
export const LIST_PAGE_SIZE_MIN = 1;
export const LIST_PAGE_SIZE_MAX = 999;

// The Google and Adobe data-action integration type ids are unknown (platform-api.md §1): their type files
// find them in the types catalogue with the matchers below (matchesGoogleCatalogueEntry, ...).

/**
 * The organization is read with `GET /api/v2/organizations/me`. platform-api.md does not document it
 * (it is the SDK's OrganizationApi.getOrganizationsMe); treat its shape beyond `{id, name}` as UNCONFIRMED.
 */
export const ORGANIZATION_PATH = '/api/v2/organizations/me';

// ---- Type-specific facts (used by the type files in src/integrations/) ----------------------------------------

/** A catalogue entry from `GET /api/v2/integrations/types`. */
export interface CatalogueEntry {
  readonly id: string;
  readonly name?: string | undefined;
}

// The catalogue holds other Google and Adobe integrations (speech, messaging, ...): a match needs both
// the vendor and "data actions" (or the older "datadip") in the id or name.
function isDataActionsOf(vendor: RegExp): (entry: CatalogueEntry) => boolean {
  return (entry) => {
    const text = `${entry.id} ${entry.name ?? ''}`;
    return vendor.test(text) && /data[\s_-]?(?:actions?|dip)/i.test(text);
  };
}

// --- Google ---------------------------------------------------------------------------------------

/** platform-api.md §1: the Google type id has no public hit; find it in the catalogue by name. */
export const matchesGoogleCatalogueEntry = isDataActionsOf(/google/i);

/** platform-api.md §3: the slot key for Google is unknown. A guess in the style of the known slots. */
export const GOOGLE_CREDENTIAL_SLOT = 'googleServiceAccount';

/**
 * platform-api.md §3 has no Google credential type names. These two are the names the admin guide
 * tells a person to pick in the credential dialog ("seleccione googleCloudPlatformServiceAccount",
 * reference/admin-guide-add-data-actions-integration.es.txt), which are likely the type names.
 */
export const GOOGLE_CREDENTIAL_TYPE_NAMES = {
  CloudPlatformServiceAccount: 'googleCloudPlatformServiceAccount',
  GSuiteServiceAccount: 'googleGSuiteServiceAccount',
} as const;

/** platform-api.md §3: only the UI labels are known (Client ID, Client Email, ...); field names guessed. */
export const GOOGLE_CLOUD_PLATFORM_FIELDS = {
  clientId: 'clientId',
  clientEmail: 'clientEmail',
  privateKeyId: 'privateKeyId',
  privateKey: 'privateKey',
} as const;

/** platform-api.md §3: labels Private Key ID, Private Key, Scopes, User Email Impersonation; names guessed. */
export const GOOGLE_GSUITE_FIELDS = {
  serviceAccountEmail: 'serviceAccountEmail',
  privateKeyId: 'privateKeyId',
  privateKey: 'privateKey',
  scopes: 'scopes',
  impersonateUserEmail: 'impersonateUserEmail',
} as const;

// --- Adobe ----------------------------------------------------------------------------------------

/** platform-api.md §1: no public Adobe type id (and the type is deprecated); find it by name. */
export const matchesAdobeCatalogueEntry = isDataActionsOf(/adobe/i);

/**
 * platform-api.md §3: Adobe slot key unknown; guessed (the project's one guess, shared with the emulator).
 * When the platform's type declares a single slot, the operator uses that one instead (org-sessions.ts).
 */
export const ADOBE_CREDENTIAL_SLOT = 'adobeJwt';

/** platform-api.md §3: Adobe credential type name unknown; guessed (shared with the emulator). */
export const ADOBE_CREDENTIAL_TYPE_NAME = 'adobeJwtServiceAccount';

/** platform-api.md §3: the dialog fields of the admin guide; the platform field names are guessed. */
export const ADOBE_FIELDS = {
  clientId: 'clientId',
  clientSecret: 'clientSecret',
  orgId: 'orgId',
  technicalAccountId: 'technicalAccountId',
  privateKey: 'privateKey',
  loginUrl: 'loginUrl',
  audience: 'audience',
  metascopes: 'metascopes',
  sandboxName: 'sandboxName',
} as const;

// --- Web services ---------------------------------------------------------------------------------

/**
 * platform-api.md §4: the `clientCertificateAuthority` value for the DigiCert option ("DigiCert" or
 * "Digicert"); the configschema of custom-rest-actions would tell. "Genesys Cloud" is confirmed.
 */
export const DIGICERT_CERTIFICATE_AUTHORITY = 'DigiCert';
