// The HTTP pipeline of one call: route -> faults -> auth -> rate limit -> handler -> count.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Authenticator } from './auth.ts';
import type { CallCounter } from './calls.ts';
import { PlatformError, errorForStatus, newCorrelationId, toErrorBody, tooManyRequests } from './errors.ts';
import type { FaultRegistry } from './faults.ts';
import type { RateLimiter } from './rate-limit.ts';
import { matchRoute, routeKey, type ApiReply, type ApiRequest, type Route } from './router.ts';

const CONTROL_PREFIX = '/__emulator/';
const MAX_BODY_BYTES = 1024 * 1024;

export interface PipelineDeps {
  readonly apiRoutes: readonly Route[];
  readonly controlRoutes: readonly Route[];
  readonly auth: Authenticator;
  readonly rateLimiter: RateLimiter;
  readonly faults: FaultRegistry;
  readonly calls: CallCounter;
}

type Listener = (request: IncomingMessage, response: ServerResponse) => void;

export function createListener(deps: PipelineDeps): Listener {
  return (request, response) => {
    const correlationId = newCorrelationId();
    handle(deps, request, response, correlationId).catch((error: unknown) => {
      // A bug in the emulator, not a platform behaviour: answer 500 rather than hang the client.
      process.stderr.write(`Emulator failed to handle ${request.method} ${request.url}: ${String(error)}\n`);
      if (!response.headersSent) send(response, errorReply(errorForStatus(500), correlationId), correlationId);
    });
  };
}

async function handle(deps: PipelineDeps, request: IncomingMessage, response: ServerResponse, correlationId: string): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://emulator');
  const method = (request.method ?? 'GET').toUpperCase();
  const rawBody = await readBody(request);
  if (rawBody === undefined) {
    const tooLarge = new PlatformError(413, 'request.entity.too.large', 'The request body is too large');
    send(response, errorReply(tooLarge, correlationId), correlationId);
    return;
  }
  const build = (params: Record<string, string>, listShift = 0): ApiRequest => ({
    method,
    path: url.pathname,
    query: url.searchParams,
    params,
    headers: request.headers,
    rawBody,
    listShift,
  });

  if (url.pathname.startsWith(CONTROL_PREFIX)) {
    const match = matchRoute(deps.controlRoutes, method, url.pathname);
    const reply =
      match === undefined
        ? errorReply(new PlatformError(404, 'not.found', `No control route ${method} ${url.pathname}`), correlationId)
        : await run(() => match.route.handler(build(match.params)), correlationId);
    send(response, reply, correlationId);
    return;
  }

  const match = matchRoute(deps.apiRoutes, method, url.pathname);
  const key = match === undefined ? `${method} (unmatched)` : routeKey(match.route);
  const plan = deps.faults.plan(method, key);
  if (plan.latencyMs > 0) await sleep(plan.latencyMs);
  const fault = plan.action;
  if (fault?.kind === 'drop') {
    deps.calls.record(key, 'dropped');
    request.socket.destroy();
    return;
  }

  let reply: ApiReply;
  if (fault?.kind === 'status') {
    reply = errorReply(errorForStatus(fault.status), correlationId);
  } else if (fault?.kind === 'rateLimit') {
    reply = errorReply(tooManyRequests(fault.retryAfterSeconds), correlationId);
  } else if (match === undefined) {
    reply = errorReply(new PlatformError(404, 'not.found', `No resource found for ${method} ${url.pathname}`), correlationId);
  } else {
    reply = await run(async () => {
      let rateHeaders: Record<string, string> = {};
      if (match.route.authenticated) rateHeaders = deps.rateLimiter.admit(deps.auth.authenticate(request.headers));
      const handled = await match.route.handler(build(match.params, plan.listShift));
      return { ...handled, headers: { ...rateHeaders, ...handled.headers } };
    }, correlationId);
  }

  if (fault?.kind === 'commitThenDrop') {
    // The change is made; the client never learns it.
    deps.calls.record(key, 'dropped');
    request.socket.destroy();
    return;
  }
  deps.calls.record(key, reply.status);
  send(response, reply, correlationId);
}

async function run(handler: () => ApiReply | Promise<ApiReply>, correlationId: string): Promise<ApiReply> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof PlatformError) return errorReply(error, correlationId);
    throw error;
  }
}

function errorReply(error: PlatformError, correlationId: string): ApiReply {
  return { status: error.status, body: toErrorBody(error, correlationId), headers: error.headers };
}

function send(response: ServerResponse, reply: ApiReply, correlationId: string): void {
  response.statusCode = reply.status;
  response.setHeader('ININ-Correlation-Id', correlationId);
  for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
  if (reply.body === undefined) {
    response.end();
    return;
  }
  response.setHeader('Content-Type', 'application/json; charset=UTF-8');
  response.end(JSON.stringify(reply.body));
}

/** The whole body as text, or undefined when it is larger than the limit. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
