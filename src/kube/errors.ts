// Errors from the Kubernetes API, with a stable `code` the reconciler can switch on (the two it reacts to,
// a conflict and a 404, are named in src/lib/resource-writer.ts).
import { WRITE_RACE_CODES } from '../lib/resource-writer.ts';

export type KubeErrorCode =
  | (typeof WRITE_RACE_CODES)[keyof typeof WRITE_RACE_CODES]
  | 'KubeGone'
  | 'KubeForbidden'
  | 'KubeInvalid'
  | 'KubeUnavailable'
  | 'KubeRequestFailed';

/** A Kubernetes `Status` body, as the API server sends it with an error. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  reason?: string;
  message?: string;
  code?: number;
}

export class KubeApiError extends Error {
  override readonly name: string = 'KubeApiError';
  readonly code: KubeErrorCode;
  readonly statusCode: number;
  /** The API server's machine-readable reason (`Conflict`, `NotFound`, `Expired`, ...), when it sent one. */
  readonly reason: string | undefined;

  constructor(statusCode: number, message: string, reason?: string) {
    super(message);
    this.statusCode = statusCode;
    this.code = codeForStatus(statusCode);
    this.reason = reason;
  }
}

/** A write rejected because the object changed since it was read (HTTP 409). Re-read and retry. */
export class ConflictError extends KubeApiError {
  override readonly name = 'ConflictError';
}

function codeForStatus(statusCode: number): KubeErrorCode {
  switch (statusCode) {
    case 409:
      return WRITE_RACE_CODES.conflict;
    case 404:
      return WRITE_RACE_CODES.notFound;
    case 410:
      return 'KubeGone';
    case 401:
    case 403:
      return 'KubeForbidden';
    case 400:
    case 422:
      return 'KubeInvalid';
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return 'KubeUnavailable';
    default:
      return 'KubeRequestFailed';
  }
}

/** Builds the error for a non-2xx answer; the message names the request and the server's reason, never a body. */
export function errorFromResponse(method: string, path: string, statusCode: number, status: KubeStatus | undefined): KubeApiError {
  const detail = status?.message ?? `HTTP ${statusCode}`;
  const message = `${method} ${path} failed: ${detail}`;
  return statusCode === 409
    ? new ConflictError(statusCode, message, status?.reason)
    : new KubeApiError(statusCode, message, status?.reason);
}

function statusCodeOf(error: unknown): number | undefined {
  if (error instanceof KubeApiError) return error.statusCode;
  // client-node's ApiException carries the HTTP status as a number `code`.
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export function isConflict(error: unknown): boolean {
  return statusCodeOf(error) === 409;
}

export function isNotFound(error: unknown): boolean {
  return statusCodeOf(error) === 404;
}

export function isGone(error: unknown): boolean {
  return statusCodeOf(error) === 410;
}

/** A guarded write was asked for an object read without a resourceVersion; refused rather than unguarded. */
export class MissingResourceVersionError extends Error {
  override readonly name = 'MissingResourceVersionError';
  readonly code = 'KubeMissingResourceVersion';
}
