// Every behaviour of the emulator that docs/platform-facts.md marks UNCONFIRMED, or does not document at all,
// lives here, so that correcting a guess against the real platform is a one-file change.
// Everything else in the emulator follows a CONFIRMED fact of docs/platform-facts.md.
import { PlatformError } from './errors.ts';

/** Google's and Adobe's integration type ids are unknown (§1). Deliberately emulator-flavoured ids so that
 * no client hard-codes them: clients must discover these two types by name. Overridable with `typeIds`. */
export const GUESSED_TYPE_IDS = {
  Google: 'emulator-google-data-actions',
  Adobe: 'emulator-adobe-data-actions',
} as const;

/** Google's and Adobe's credential slot keys are unknown (§3). */
export const GUESSED_SLOT_KEYS = {
  Google: 'googleServiceAccount',
  Adobe: 'adobeJwt',
} as const;

/** Credential type names: Google's come from the admin guide (brief), Adobe's is invented. Field names for
 * both are the project's Secret keys (DESIGN.md §1), since the platform's are unknown (§3). */
export const GUESSED_CREDENTIAL_TYPES = {
  googleCloudPlatformServiceAccount: {
    required: ['clientId', 'clientEmail', 'privateKeyId', 'privateKey'],
    optional: [],
    sensitive: ['privateKey', 'privateKeyId'],
  },
  googleGSuiteServiceAccount: {
    required: ['serviceAccountEmail', 'privateKeyId', 'privateKey', 'scopes'],
    optional: ['impersonateUserEmail'],
    sensitive: ['privateKey', 'privateKeyId'],
  },
  adobeJwtServiceAccount: {
    required: ['clientId', 'clientSecret', 'orgId', 'technicalAccountId', 'privateKey'],
    optional: ['loginUrl', 'audience', 'metascopes', 'sandboxName'],
    sensitive: ['clientSecret', 'privateKey'],
  },
} as const;

/** The DigiCert option's exact string is unknown (§4): "Genesys Cloud" is observed, "DigiCert" is a guess. */
export const CLIENT_CERTIFICATE_AUTHORITIES = ['Genesys Cloud', 'DigiCert'] as const;

/** What happens past `maxInstances` is unknown (§9). Agreed with the client engineer: 400 with this code and
 * message. */
export function maxInstancesReached(maxInstances: number, typeId: string): PlatformError {
  return new PlatformError(
    400,
    'max.instances.reached',
    `Maximum number of instances (${maxInstances}) reached for integration type ${typeId}`,
  );
}

/** The real platform says a version mismatch "does not match the current version" (TF's IsVersionMismatch
 * matches that text on 400 and also retries 409). Status 409 and the code are guesses. */
export function versionMismatch(given: unknown, current: number): PlatformError {
  return new PlatformError(409, 'conflict', `The supplied version ${JSON.stringify(given)} does not match the current version ${current}`);
}

/** How GET credential redacts is unknown (§2 says only "with sensitive fields redacted"). The emulator keeps
 * the field names and masks EVERY value, so a client can never compare stored values with desired ones. */
export const REDACTED_VALUE = '********';
export function redactCredentialFields(fields: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(fields).map((key) => [key, REDACTED_VALUE]));
}

/** Credential fields: the emulator rejects (400) a field a fixed-schema credential type does not declare, and
 * any non-string value. The real platform may be more lenient. */
export const REJECT_UNDECLARED_CREDENTIAL_FIELDS = true;

/** A config may only link a credential whose type the slot allows (`credentialTypes`); else 400. */
export const REJECT_CREDENTIAL_OF_WRONG_TYPE = true;

/** 401 bodies: the codes the platform uses for a missing and for a bad/expired token are not documented. */
export function authenticationRequired(): PlatformError {
  return new PlatformError(401, 'authentication.required', 'No authentication bearer token specified in authorization header.');
}
export function badCredentials(): PlatformError {
  return new PlatformError(401, 'bad.credentials', 'Invalid login credentials.');
}

/** PATCH /integrations/{id}: the emulator honours only `intendedState` (what TF sends) and ignores every
 * other field (name, notes, config), since names and notes change through config/current. `DELETED` is in
 * the enum (§2) but the emulator rejects it with 400: deletion is DELETE. */
export const PATCH_REJECTS_DELETED_INTENDED_STATE = true;

/** While a deleted integration is still visible (`deleteVisibleMs`), reads return it as it was, and writes
 * (PATCH, PUT config, DELETE) answer 404. */
export const WRITES_TO_DELETED_INTEGRATION_ARE_404 = true;

/** Deleting an integration leaves its credentials in place (§2: UNCONFIRMED; the safe assumption). */
export const DELETE_INTEGRATION_KEEPS_CREDENTIALS = true;

/** Create calls answer 200 (not 201); the SDKs accept any 2xx. */
export const CREATED_STATUS = 200;

/** Credential listing: default page size (the max of 200 is CONFIRMED; above it the emulator answers 400). */
export const DEFAULT_CREDENTIAL_LISTING_PAGE_SIZE = 25;

/** Whether the list endpoint embeds the full config.current of each entity when asked with
 * `expand=config.current` is unknown (docs/platform-facts.md §10, UNCONFIRMED): the `listingExpandsConfig` option
 * (default false) chooses. Without the expand, or with the option off, an entity's config.current is `{id}` only. */
export const LIST_EXPAND_CONFIG = 'config.current';

/** Empty notes are rendered as the quirk string both in config.current.notes (CONFIRMED, §2) and in the
 * integration's top-level `notes` (a guess). */
export const EMPTY_NOTES = 'node_dynamodb_empty_string';

/** Enabling an integration always reaches ACTIVE, whether or not credentials are linked (a hand-made ERROR
 * state can be set through the control API). Creation starts DISABLED / INACTIVE as the brief says. */

/* Guesses that are the shape of the code rather than a value, recorded here so the list is complete:
 * - OAuth: the client is checked before the grant type; a bad or missing client answers 401
 *   {"error":"invalid_client",...} (auth.ts). Logins are not rate limited.
 * - Rate limit: calls rejected with 429 do not use up the window; 401s are answered before the limiter counts
 *   (rate-limit.ts, server.ts).
 * - Credentials: a missing `name` is 400; deleting a credential that an integration links is allowed and leaves a
 *   dangling {id} link (credentials-api.ts, integration-json.ts).
 * - Config PUT: a missing or non-numeric `version` is 400; `name` is required; omitted properties, advanced and
 *   credentials are replaced by empty ones, as a PUT replaces the whole configuration (config-api.ts).
 * - Integration JSON: reportedState.detail is filled with plain English; the embedded integrationType is the full
 *   type; list order is creation order (integration-json.ts, integrations-api.ts).
 */
