import { randomUUID } from 'node:crypto';

/** One entry of ErrorBody.details (docs/platform-facts.md §6). */
export interface ErrorDetail {
  errorCode?: string;
  fieldName?: string;
  entityId?: string;
  entityName?: string;
}

/** The platform's error body. Key order follows the normalized 429 body of §6. */
export interface ErrorBody {
  message: string;
  code: string;
  status: number;
  contextId: string;
  details: ErrorDetail[];
  errors: ErrorBody[];
  entityId?: string;
  entityName?: string;
  messageWithParams?: string;
  messageParams?: Record<string, string>;
}

/** A failure a handler raises; the server turns it into an ErrorBody response. */
export class PlatformError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, extra: { details?: ErrorDetail[]; headers?: Record<string, string> } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = extra.details ?? [];
    this.headers = extra.headers ?? {};
  }
}

export function newCorrelationId(): string {
  return randomUUID();
}

export function toErrorBody(error: PlatformError, correlationId: string): ErrorBody {
  return {
    message: error.message,
    code: error.code,
    status: error.status,
    contextId: correlationId,
    details: error.details,
    errors: [],
  };
}

export function badRequest(message: string, fieldName?: string): PlatformError {
  const details = fieldName === undefined ? [] : [{ errorCode: 'invalid.value', fieldName }];
  return new PlatformError(400, 'bad.request', message, { details });
}

export function notFound(what: string, id: string): PlatformError {
  return new PlatformError(404, 'not.found', `Unable to find ${what} with id ${id}`, {
    details: [{ errorCode: 'not.found', entityId: id }],
  });
}

/** The normalized 429 of §6, used both by the real rate limiter and by the rateLimit fault. */
export function tooManyRequests(retryAfterSeconds: number, headers: Record<string, string> = {}): PlatformError {
  return new PlatformError(
    429,
    'too.many.requests.retry.after',
    `Rate limit exceeded the maximum. Retry the request in [${retryAfterSeconds}] seconds`,
    { headers: { 'Retry-After': String(retryAfterSeconds), ...headers } },
  );
}

const CODES_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'bad.request',
  401: 'authentication.required',
  403: 'missing.permissions',
  404: 'not.found',
  408: 'request.timeout',
  409: 'conflict',
  500: 'internal.server.error',
  502: 'bad.gateway',
  503: 'service.unavailable',
  504: 'gateway.timeout',
};

/** An error of a given status with a plausible platform code, for injected faults. */
export function errorForStatus(status: number): PlatformError {
  const code = CODES_BY_STATUS[status] ?? (status >= 500 ? 'internal.server.error' : 'bad.request');
  return new PlatformError(status, code, `The emulator injected a ${status} response`);
}
