// The actions API's behaviours that docs/platform-facts.md §11 marks UNCONFIRMED, in one place (as
// guesses.ts is for the rest of the emulator).

/** Names are unique per integration (not per org: built-in names repeat across integrations). */
export const ACTION_NAMES_UNIQUE_PER_INTEGRATION = true;

/** A PATCH or publish with a version other than the current one. */
export const STALE_VERSION_STATUS = 409;

/** POST .../draft when the action already has one. */
export const DRAFT_EXISTS_STATUS = 409;

/** How far the published version moves on a publish. */
export const PUBLISH_BUMPS_VERSION_BY = 1;

/** The listing's page size when none is asked for. */
export const ACTIONS_PAGE_SIZE_DEFAULT = 25;

/**
 * The names of a test's operations (TestExecutionOperationResult.name). The SDK's model settles the shape,
 * not the names; these follow what the admin UI's test tab shows, as far as public material tells.
 */
export const TEST_OPERATIONS = {
  resolveUrl: 'Resolve request URL template',
  resolveHeaders: 'Resolve request headers',
  resolveBody: 'Resolve request body template',
  execute: 'Execute request',
  translate: 'Resolve translation map',
  successTemplate: 'Apply output transformation',
} as const;

/** How long a test waits for the server when the action has no timeoutSeconds. */
export const TEST_REQUEST_TIMEOUT_SECONDS_DEFAULT = 20;

/** The Content-Type of a test request with a body when the action's headers name none. */
export const TEST_DEFAULT_CONTENT_TYPE = 'application/json';

// A failed operation's ErrorBody (action-test.ts) is a guess too: the server's status for a non-2xx answer
// (code `request.unsuccessful`), 502 when it could not be reached (`request.failed`), 400 for a template or
// translation failure (`invalid.template`, `translation.failed`, `invalid.success.template`).
