import { isInstallLimitError } from './unconfirmed.ts';

export type PlatformErrorCode =
  | 'NotFound'
  | 'Conflict'
  | 'RateLimited'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Invalid'
  | 'QuotaExceeded'
  | 'Unavailable'
  | 'Timeout'
  | 'UnknownOutcome'
  | 'NotSent'
  | 'BadResponse';

export interface PlatformErrorDetails {
  readonly status?: number;
  readonly contextId?: string;
  readonly platformCode?: string;
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

/**
 * A failed platform call. `retryable` is the one verdict the rest of the operator relies on: true when
 * trying the same thing again later may succeed without anyone changing anything. For `UnknownOutcome`
 * it means "look for what the create may have made before creating again".
 */
export class PlatformError extends Error {
  override readonly name = 'PlatformError';
  readonly code: PlatformErrorCode;
  readonly retryable: boolean;
  readonly status?: number;
  readonly contextId?: string;
  readonly platformCode?: string;
  readonly retryAfterMs?: number;

  constructor(code: PlatformErrorCode, message: string, details: PlatformErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.retryable = RETRYABLE[code];
    if (details.status !== undefined) this.status = details.status;
    if (details.contextId !== undefined) this.contextId = details.contextId;
    if (details.platformCode !== undefined) this.platformCode = details.platformCode;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

const RETRYABLE: Record<PlatformErrorCode, boolean> = {
  NotFound: false,
  Conflict: true,
  RateLimited: true,
  Unauthorized: false,
  Forbidden: false,
  Invalid: false,
  // The limit frees up only when someone deletes an integration: not worth a fast retry.
  QuotaExceeded: false,
  Unavailable: true,
  Timeout: true,
  UnknownOutcome: true,
  // A call with a send deadline that could not leave in time: known not to have reached the platform.
  NotSent: true,
  // The platform answered something this client cannot read: a contract change, not a glitch.
  BadResponse: false,
};

export function isPlatformError(e: unknown): e is PlatformError {
  return e instanceof PlatformError;
}

/** The fields of an ErrorBody (docs/platform-facts.md §6) this client reads. */
export interface ErrorBodyFields {
  readonly message?: string;
  readonly code?: string;
  readonly contextId?: string;
}

// docs/platform-facts.md §2 "Versioning": TF treats a 400 with this text as a version conflict.
const VERSION_MISMATCH_TEXT = 'does not match the current version';

export function isVersionConflict(status: number, message: string | undefined): boolean {
  if (status === 409) return true;
  return status === 400 && message !== undefined && message.includes(VERSION_MISMATCH_TEXT);
}

/** Maps an HTTP error status and ErrorBody to the stable error code. */
export function codeForStatus(status: number, body: ErrorBodyFields): PlatformErrorCode {
  if (isInstallLimitError(status, body.code, body.message)) return 'QuotaExceeded';
  if (isVersionConflict(status, body.message)) return 'Conflict';
  if (status === 401) return 'Unauthorized';
  if (status === 403) return 'Forbidden';
  if (status === 404 || status === 410) return 'NotFound';
  if (status === 408) return 'Timeout';
  if (status === 429) return 'RateLimited';
  if (status >= 500) return 'Unavailable';
  return 'Invalid';
}

const MAX_MESSAGE_CHARS = 300;

/**
 * The platform's own message, made safe to log: at most a few hundred characters, with any value the
 * request carried as a secret replaced (a validation message may echo what it rejected).
 */
export function scrubMessage(message: string, secrets: readonly string[]): string {
  let safe = message;
  for (const secret of secrets) {
    // Very short values would blank out ordinary words; they are also too short to be worth hiding.
    if (secret.length >= 4) safe = safe.split(secret).join('[REDACTED]');
  }
  return safe.length > MAX_MESSAGE_CHARS ? `${safe.slice(0, MAX_MESSAGE_CHARS)}...` : safe;
}

/**
 * Whether a create call's failure says the platform made nothing: refused before it was sent, or answered
 * with a refusal. An unknown outcome, a 5xx or a 2xx that could not be read may have made something.
 */
export function provesNothingCreated(error: unknown): boolean {
  if (!isPlatformError(error)) return false;
  // A POST is never resent after it may have left: Unavailable then means it never left.
  return NOTHING_CREATED_CODES.has(error.code);
}

const NOTHING_CREATED_CODES: ReadonlySet<PlatformErrorCode> = new Set<PlatformErrorCode>([
  'NotSent',
  'RateLimited',
  'Unavailable',
  'Invalid',
  'Unauthorized',
  'Forbidden',
  'QuotaExceeded',
  'NotFound',
]);
