// Route table: "<METHOD> <template>" keys, the unit that calls are counted and faults are aimed at.
import type { IncomingHttpHeaders } from 'node:http';
import { badRequest } from './errors.ts';

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** From a listShift fault: how far a paged listing's window moves on pages after the first. */
  readonly listShift?: number;
}

export interface ApiReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Most handlers answer at once; the test call awaits the server it sends the rendered request to. */
export type Handler = (request: ApiRequest) => ApiReply | Promise<ApiReply>;

export interface Route {
  readonly method: string;
  readonly template: string;
  /** Whether the call needs a bearer token and counts against its rate limit. */
  readonly authenticated: boolean;
  readonly handler: Handler;
}

export interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

export function routeKey(route: Pick<Route, 'method' | 'template'>): string {
  return `${route.method} ${route.template}`;
}

/** Finds the route for a request; a literal segment beats a `{param}` (so `/integrations/types` is not an id). */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch | undefined {
  const segments = splitPath(path);
  let best: { match: RouteMatch; literals: number } | undefined;
  for (const route of routes) {
    if (route.method !== method) continue;
    const template = splitPath(route.template);
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    let matches = true;
    template.forEach((part, index) => {
      const given = segments[index] ?? '';
      if (part.startsWith('{') && part.endsWith('}')) {
        params[part.slice(1, -1)] = decodeURIComponent(given);
      } else if (part === given) {
        literals += 1;
      } else {
        matches = false;
      }
    });
    if (matches && (best === undefined || literals > best.literals)) best = { match: { route, params }, literals };
  }
  return best?.match;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

/** The request body as JSON; an empty body is `{}`. */
export function jsonBody(request: ApiRequest): Record<string, unknown> {
  if (request.rawBody.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.rawBody);
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

export function ok(body: unknown, status = 200): ApiReply {
  return { status, body };
}
