// The platform-wide facts about Genesys Cloud that docs/platform-facts.md marks UNCONFIRMED and that
// the operator relies on, so that correcting one after a test against a real org is a one-line change.
// Each entry cites the section it comes from.

/**
 * How the platform rejects a create beyond the per-type install limit. docs/platform-facts.md §9 "Error when
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
 * Page size bounds of the page-based listings. docs/platform-facts.md §2 "List integrations": the developer
 * center says 1–999; "The bound is UNCONFIRMED". The client asks for the maximum, so that a listing
 * rarely needs a second page (TF uses 100, CONFIRMED, should 999 be refused).
 */
export const LIST_PAGE_SIZE_MIN = 1;
export const LIST_PAGE_SIZE_MAX = 999;

/**
 * Whether `GET /api/v2/integrations` carries each entry's configuration when asked with `expand=config.current`.
 * docs/platform-facts.md §10: which values `expand` accepts is UNCONFIRMED. The operator asks once per org
 * session and uses the answer only when every entry carries a config with a version (configOf); otherwise it
 * reads each configuration by id, as the Terraform provider does.
 */
export const LIST_EXPAND_CONFIG = 'config.current';

/**
 * The organization is read with `GET /api/v2/organizations/me`. docs/platform-facts.md does not document it
 * (it is the SDK's OrganizationApi.getOrganizationsMe); treat its shape beyond `{id, name}` as UNCONFIRMED.
 */
export const ORGANIZATION_PATH = '/api/v2/organizations/me';

// Each integration type's own guesses (slots, credential type and field names, catalogue matching) are
// in its file under src/integrations/, in a list named UNCONFIRMED.
