import type { RequestBudget } from './budget.ts';
import type { Clock } from './clock.ts';
import { codeForStatus, PlatformError, scrubMessage } from './errors.ts';
import type { PlatformErrorCode } from './errors.ts';
import { parseJson } from './response.ts';
import { backoffDelayMs, retryAfterMs } from './retry-policy.ts';
import type { RetryPolicy } from './retry-policy.ts';
import { errorBodySchema } from './schemas.ts';
import type { CallObservation, HttpMethod, StatsRecorder } from './stats.ts';

/** One logical call; the transport may send it several times. */
export interface Exchange {
  readonly method: HttpMethod;
  readonly url: string;
  /** Path template for stats and metrics, e.g. `/api/v2/integrations/{id}`. */
  readonly route: string;
  /** Built for every attempt, so a renewed token is picked up. */
  readonly headers: () => Promise<Record<string, string>>;
  readonly body?: string;
  /**
   * Safe to send again when its outcome is unknown (GET, PUT, DELETE, PATCH of a state). A create is not:
   * if it may have reached the platform and no answer came, the call fails with UnknownOutcome.
   */
  readonly repeatable: boolean;
  /** Called once on a 401; the exchange is then tried once more with fresh headers. */
  readonly onUnauthorized?: () => void;
  /** Values the request carries that must never show in an error message. */
  readonly secrets?: readonly string[];
  /**
   * Epoch ms (the transport's clock): an attempt that could not leave by then (budget waits, 429 pauses)
   * is not sent, and the call fails with NotSent.
   */
  readonly sendBy?: number;
  /** How long to wait for this exchange's answer, when it may take longer than the client's usual timeout. */
  readonly timeoutMs?: number;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export interface TransportOptions {
  readonly fetch: typeof fetch;
  readonly clock: Clock;
  readonly budget: RequestBudget;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly stats: StatsRecorder;
  readonly observe?: (o: CallObservation) => void;
  readonly random?: () => number;
}

// Connection errors raised before a byte of the request left: safe to retry whatever the method.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

type AttemptResult =
  | { readonly kind: 'response'; readonly response: RawResponse; readonly credentials: readonly string[] }
  | { readonly kind: 'failure'; readonly timedOut: boolean; readonly sent: boolean; readonly cause: unknown };

/**
 * Sends requests under the client's budget and decides, once, what is retried: 429 always (the platform
 * did not process it), 401 once after a fresh login, 5xx/408/timeouts/connection errors only for exchanges
 * that are safe to repeat, with jittered exponential backoff bounded in attempts and time.
 */
export class Transport {
  constructor(private readonly options: TransportOptions) {}

  async send(exchange: Exchange): Promise<RawResponse> {
    const { clock, retry } = this.options;
    const startedAt = clock.now();
    let attempt = 0;
    let failures = 0;
    let rateLimits = 0;
    let reauthenticated = false;
    for (;;) {
      attempt += 1;
      const result = await this.attempt(exchange, attempt > 1);
      const mayRetryFailure = (): boolean => failures < retry.maxAttempts && clock.now() - startedAt < retry.maxElapsedMs;

      if (result.kind === 'failure') {
        failures += 1;
        if ((exchange.repeatable || !result.sent) && mayRetryFailure()) {
          await clock.sleep(backoffDelayMs(failures, retry, this.options.random));
          continue;
        }
        throw this.failureError(exchange, result);
      }

      const { response } = result;
      if (response.status < 400) return response;

      if (response.status === 401 && exchange.onUnauthorized !== undefined && !reauthenticated) {
        reauthenticated = true;
        exchange.onUnauthorized();
        continue;
      }
      if (response.status === 429) {
        const waitMs = retryAfterMs(response.headers.get('retry-after'), clock.now(), retry);
        this.options.budget.pause(waitMs);
        rateLimits += 1;
        if (rateLimits <= retry.maxRateLimitRetries && waitMs <= retry.maxRateLimitWaitMs) continue;
        throw this.responseError(exchange, result, { retryAfterMs: waitMs });
      }
      if (response.status >= 500 || response.status === 408) {
        failures += 1;
        if (!exchange.repeatable) throw this.responseError(exchange, result, { unknownOutcome: true });
        if (mayRetryFailure()) {
          await clock.sleep(backoffDelayMs(failures, retry, this.options.random));
          continue;
        }
      }
      throw this.responseError(exchange, result, {});
    }
  }

  private async attempt(exchange: Exchange, isRetry: boolean): Promise<AttemptResult> {
    const { clock } = this.options;
    const budgetWaitMs = await this.options.budget.acquire();
    const headers = await exchange.headers();
    const sentAt = clock.now();
    if (exchange.sendBy !== undefined && sentAt > exchange.sendBy) {
      throw new PlatformError(
        'NotSent',
        `${exchange.method} ${exchange.route}: not sent, its deadline passed while waiting for the budget`,
      );
    }
    const observe = (status: number | 'network'): void => {
      const o: CallObservation = {
        route: exchange.route,
        method: exchange.method,
        status,
        durationMs: clock.now() - sentAt,
        retry: isRetry,
        budgetWaitMs,
      };
      this.options.stats.record(o);
      try {
        this.options.observe?.(o);
      } catch {
        // A broken metrics hook must not fail a platform call.
      }
    };
    try {
      const init: RequestInit = {
        method: exchange.method,
        headers,
        signal: AbortSignal.timeout(exchange.timeoutMs ?? this.options.timeoutMs),
        redirect: 'error',
      };
      if (exchange.body !== undefined) init.body = exchange.body;
      const res = await this.options.fetch(exchange.url, init);
      const text = await res.text();
      observe(res.status);
      return { kind: 'response', response: { status: res.status, headers: res.headers, text }, credentials: credentialsIn(headers) };
    } catch (cause) {
      observe('network');
      const timedOut = isTimeout(cause);
      return { kind: 'failure', timedOut, sent: timedOut || !NOT_SENT_CODES.has(causeCode(cause) ?? ''), cause };
    }
  }

  private failureError(exchange: Exchange, failure: AttemptResult & { kind: 'failure' }): PlatformError {
    const what = `${exchange.method} ${exchange.route}`;
    const reason = failure.timedOut
      ? `no answer within ${exchange.timeoutMs ?? this.options.timeoutMs} ms`
      : `connection failed (${causeCode(failure.cause) ?? 'network error'})`;
    if (!exchange.repeatable && failure.sent) {
      return new PlatformError('UnknownOutcome', `${what}: ${reason}; the platform may have processed it`);
    }
    return new PlatformError(failure.timedOut ? 'Timeout' : 'Unavailable', `${what}: ${reason}`);
  }

  private responseError(
    exchange: Exchange,
    result: AttemptResult & { kind: 'response' },
    extra: { readonly retryAfterMs?: number; readonly unknownOutcome?: boolean },
  ): PlatformError {
    const { response } = result;
    const parsed = errorBodySchema.safeParse(parseJson(response.text));
    const body = parsed.success ? parsed.data : {};
    const platformMessage = body.message ?? body.error_description ?? body.error;
    const platformCode = body.code ?? body.error;
    const contextId = body.contextId ?? response.headers.get('inin-correlation-id') ?? undefined;
    const message =
      platformMessage === undefined ? '' : scrubMessage(platformMessage, [...(exchange.secrets ?? []), ...result.credentials]);
    const code: PlatformErrorCode =
      extra.unknownOutcome === true
        ? 'UnknownOutcome'
        : codeForStatus(response.status, {
            ...(platformCode === undefined ? {} : { code: platformCode }),
            ...(platformMessage === undefined ? {} : { message: platformMessage }),
          });
    const suffix = extra.unknownOutcome === true ? '; the platform may have processed it' : '';
    return new PlatformError(
      code,
      `${exchange.method} ${exchange.route} failed with ${response.status}${message === '' ? '' : `: ${message}`}${suffix}`,
      {
        status: response.status,
        ...(contextId === undefined ? {} : { contextId }),
        ...(platformCode === undefined ? {} : { platformCode }),
        ...(extra.retryAfterMs === undefined ? {} : { retryAfterMs: extra.retryAfterMs }),
      },
    );
  }
}

/** The token or Basic credentials an attempt sent, in case an error message echoes them. */
function credentialsIn(headers: Record<string, string>): string[] {
  const authorization = headers['authorization'];
  if (authorization === undefined) return [];
  const parts = authorization.split(' ');
  return [authorization, ...parts.slice(1)];
}

function isTimeout(e: unknown): boolean {
  return e instanceof DOMException && (e.name === 'TimeoutError' || e.name === 'AbortError');
}

function causeCode(e: unknown): string | undefined {
  let current: unknown = e;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
