// A thin HTTP layer over the KubeConfig's TLS and auth settings. The kube runtime uses it instead of
// client-node's generated APIs where those fall short: metadata-only lists and watches need their own
// Accept header, patches need an explicit Content-Type, and watches need a stream we can cut ourselves.
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import type { KubeConfig } from '@kubernetes/client-node';
import { errorFromResponse, type KubeStatus } from './errors.ts';

export type QueryValue = string | number | boolean | undefined;

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  /** Sent as JSON; Content-Type defaults to application/json. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  /** Applies to the whole request; ignored by `stream`, which a caller's signal ends. Default 30 s. */
  timeoutMs?: number;
}

export interface KubeTransport {
  /** Sends a request and parses the JSON answer; a non-2xx answer throws a KubeApiError. */
  request<T>(request: KubeRequest): Promise<T>;
  /** Opens a long-lived response and yields it line by line (a watch); ends when the server closes it. */
  stream(request: KubeRequest): Promise<AsyncIterable<string>>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const transports = new WeakMap<KubeConfig, KubeTransport>();

/** One transport (and one keep-alive connection pool) per KubeConfig. */
export function transportFor(kc: KubeConfig): KubeTransport {
  let transport = transports.get(kc);
  if (transport === undefined) {
    transport = createTransport(kc);
    transports.set(kc, transport);
  }
  return transport;
}

export function createTransport(kc: KubeConfig): KubeTransport {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('The kubeconfig has no current cluster');
  const server = new URL(cluster.server);
  const secure = server.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const basePath = server.pathname.replace(/\/$/, '');

  async function open(request: KubeRequest, signal: AbortSignal | undefined): Promise<http.IncomingMessage> {
    const options: https.RequestOptions = {};
    // Re-applied per request: exec and token-file credentials rotate.
    await kc.applyToHTTPSOptions(options);
    const url = new URL(basePath + request.path, server);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      ...(options.headers as Record<string, string> | undefined),
      Accept: request.accept ?? 'application/json',
    };
    const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
    if (payload !== undefined) {
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const send = secure ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = send(url, {
        ...options,
        method: request.method,
        headers,
        agent,
        ...(signal === undefined ? {} : { signal }),
      });
      req.once('response', resolve);
      req.once('error', reject);
      req.end(payload);
    });
  }

  async function readBody(response: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async function failure(request: KubeRequest, response: http.IncomingMessage): Promise<Error> {
    const text = await readBody(response);
    let status: KubeStatus | undefined;
    try {
      status = JSON.parse(text) as KubeStatus;
    } catch {
      status = undefined;
    }
    return errorFromResponse(request.method, request.path, response.statusCode ?? 0, status);
  }

  return {
    async request<T>(request: KubeRequest): Promise<T> {
      const timeout = AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      const signal = request.signal === undefined ? timeout : AbortSignal.any([request.signal, timeout]);
      const response = await open(request, signal);
      const status = response.statusCode ?? 0;
      if (status < 200 || status >= 300) throw await failure(request, response);
      const text = await readBody(response);
      return (text === '' ? undefined : JSON.parse(text)) as T;
    },

    async stream(request: KubeRequest): Promise<AsyncIterable<string>> {
      const response = await open(request, request.signal);
      const status = response.statusCode ?? 0;
      if (status < 200 || status >= 300) throw await failure(request, response);
      return createInterface({ input: response, crlfDelay: Infinity });
    },
  };
}
