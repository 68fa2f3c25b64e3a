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
