// Errors, whatever their source, become one Synced reason a person can act on. The retryable verdict
// of platform errors was made once, in src/platform/; this only names it for the status.
import { RETRYABLE_REASONS, TERMINAL_REASONS, type SyncedReason } from '../api/index.ts';
import { isPlatformError } from '../platform/index.ts';

export interface ErrorVerdict {
  readonly reason: SyncedReason;
  readonly message: string;
  /** A person must change something; retrying soon will not help. */
  readonly terminal: boolean;
  readonly retryAfterMs: number | undefined;
}

export function verdictFor(error: unknown): ErrorVerdict {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (isPlatformError(error)) {
    switch (error.code) {
      case 'Unauthorized':
      case 'Forbidden':
        return terminal(TERMINAL_REASONS.unauthorized, `The platform refused the organization's OAuth client: ${message}`);
      case 'QuotaExceeded':
        return terminal(TERMINAL_REASONS.quotaExceeded, message);
      case 'RateLimited':
        return { reason: RETRYABLE_REASONS.rateLimited, message, terminal: false, retryAfterMs: error.retryAfterMs };
      case 'UnknownOutcome':
        return retryable(
          RETRYABLE_REASONS.createIncomplete,
          `The outcome of a create call is unknown (${message}); looking before creating again`,
        );
      default:
        return retryable(RETRYABLE_REASONS.platformError, message);
    }
  }
  if (code === 'EndpointNotAllowed') return terminal(TERMINAL_REASONS.endpointNotAllowed, message);
  return retryable(RETRYABLE_REASONS.platformError, message);
}

function terminal(reason: SyncedReason, message: string): ErrorVerdict {
  return { reason, message, terminal: true, retryAfterMs: undefined };
}

function retryable(reason: SyncedReason, message: string): ErrorVerdict {
  return { reason, message, terminal: false, retryAfterMs: undefined };
}
