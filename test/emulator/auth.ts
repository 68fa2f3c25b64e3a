// OAuth client credentials grant (docs/platform-facts.md §5) and bearer-token checks for API calls.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from './clock.ts';
import { authenticationRequired, badCredentials } from './guesses.ts';
import type { ApiReply, ApiRequest, Route } from './router.ts';
import type { Store } from './store.ts';

export interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

export class Authenticator {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly clients: readonly OAuthClient[];
  private readonly tokenTtlSeconds: number;

  constructor(store: Store, clock: Clock, clients: readonly OAuthClient[], tokenTtlSeconds: number) {
    this.store = store;
    this.clock = clock;
    this.clients = clients;
    this.tokenTtlSeconds = tokenTtlSeconds;
  }

  routes(): Route[] {
    return [{ method: 'POST', template: '/oauth/token', authenticated: false, handler: (r) => this.grant(r) }];
  }

  /** The bearer token of an API call, or a 401 PlatformError. */
  authenticate(headers: IncomingHttpHeaders): string {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
    const token = match?.[1];
    if (token === undefined) throw authenticationRequired();
    const stored = this.store.tokens.get(token);
    if (stored === undefined || stored.expiresAt <= this.clock.now()) throw badCredentials();
    return token;
  }

  expireAll(): void {
    const now = this.clock.now();
    for (const token of this.store.tokens.values()) token.expiresAt = Math.min(token.expiresAt, now);
  }

  private grant(request: ApiRequest): ApiReply {
    const client = this.clientOf(request.headers.authorization);
    if (client === undefined) return oauthError(401, 'invalid_client', 'client authentication failed');
    const form = new URLSearchParams(request.rawBody);
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unauthorized_client', 'grant type not supported for this client');
    }
    const accessToken = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    this.store.tokens.set(accessToken, {
      clientId: client.clientId,
      issuedAt: now,
      expiresAt: now + this.tokenTtlSeconds * 1000,
    });
    return { status: 200, body: { access_token: accessToken, token_type: 'bearer', expires_in: this.tokenTtlSeconds } };
  }

  private clientOf(authorization: string | undefined): OAuthClient | undefined {
    const match = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (match?.[1] === undefined) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const id = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    return this.clients.find((c) => c.clientId === id && sameSecret(c.clientSecret, secret));
  }
}

function sameSecret(expected: string, given: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** Login errors are OAuth-shaped, not ErrorBody (§5). */
function oauthError(status: number, error: string, description: string): ApiReply {
  return { status, body: { error, description, error_description: description } };
}
