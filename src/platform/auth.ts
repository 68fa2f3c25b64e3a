import type { Clock } from './clock.ts';
import { isPlatformError, PlatformError } from './errors.ts';
import { parseJson, readAs } from './response.ts';
import { tokenResponseSchema } from './schemas.ts';
import type { StatsRecorder } from './stats.ts';
import type { Transport } from './transport.ts';

export interface TokenSourceOptions {
  readonly transport: Transport;
  readonly loginBaseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly clock: Clock;
  readonly stats: StatsRecorder;
}

interface CachedToken {
  readonly value: string;
  readonly renewAt: number;
}

// The platform's default token lifetime (docs/platform-facts.md §5), used when expires_in is missing.
const DEFAULT_TOKEN_TTL_SECONDS = 86_400;
const MAX_RENEWAL_MARGIN_MS = 5 * 60_000;

/**
 * OAuth client credentials (docs/platform-facts.md §5): one cached token per client, renewed before it expires
 * (5 minutes early, or after 80% of a short lifetime), with concurrent callers sharing one login.
 */
export class TokenSource {
  private cached: CachedToken | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly options: TokenSourceOptions) {}

  async token(): Promise<string> {
    const cached = this.cached;
    if (cached !== undefined && this.options.clock.now() < cached.renewAt) return cached.value;
    this.pending ??= this.login().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forgets `token` after the API refused it; a token renewed meanwhile by another call is kept. */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  private async login(): Promise<string> {
    const { clientId, clientSecret, clock } = this.options;
    const basic = Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64');
    this.options.stats.recordLogin();
    let text: string;
    try {
      const response = await this.options.transport.send({
        method: 'POST',
        url: `${trimSlash(this.options.loginBaseUrl)}/oauth/token`,
        route: '/oauth/token',
        headers: () =>
          Promise.resolve({
            authorization: `Basic ${basic}`,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          }),
        body: 'grant_type=client_credentials',
        // Asking for a token twice is harmless.
        repeatable: true,
        secrets: [clientSecret, basic],
      });
      text = response.text;
    } catch (e) {
      // A refused login is a wrong client id or secret, whatever status the login server chose.
      if (isPlatformError(e) && (e.status === 400 || e.status === 401)) {
        throw new PlatformError('Unauthorized', `OAuth login refused: ${e.message}`, withDetails(e));
      }
      throw e;
    }
    const obtainedAt = clock.now();
    const body = readAs(tokenResponseSchema, parseJson(text), 'OAuth login');
    const ttlMs = (body.expires_in ?? DEFAULT_TOKEN_TTL_SECONDS) * 1000;
    const margin = Math.min(ttlMs * 0.2, MAX_RENEWAL_MARGIN_MS);
    this.cached = { value: body.access_token, renewAt: obtainedAt + ttlMs - margin };
    return body.access_token;
  }
}

function withDetails(e: PlatformError): { status?: number; contextId?: string; platformCode?: string } {
  return {
    ...(e.status === undefined ? {} : { status: e.status }),
    ...(e.contextId === undefined ? {} : { contextId: e.contextId }),
    ...(e.platformCode === undefined ? {} : { platformCode: e.platformCode }),
  };
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
