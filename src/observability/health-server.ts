// The metrics endpoint and the kubelet's probes, on two listeners like controller-runtime's manager: the probe
// port must answer even when the metrics port is firewalled off, and vice versa.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { parseBindAddress } from './bind-address.ts';

export interface Readiness {
  readonly ready: boolean;
  /** Why the operator is not ready yet, one short phrase each (`informers not synced`). */
  readonly reasons: readonly string[];
}

export interface HealthServerOptions {
  /** `[host]:port`; port 0 picks a free port. */
  readonly metricsAddress: string;
  readonly probeAddress: string;
  readonly registry: Registry;
  /** Ready once the informers have synced; /readyz answers 503 with the reasons until then. */
  readonly readiness: () => Readiness;
  /** False when the process should be restarted; /healthz answers 503 then. */
  readonly liveness: () => boolean;
}

export interface HealthServers {
  /** The ports actually bound (useful with port 0). */
  readonly metricsPort: number;
  readonly probePort: number;
  close(): Promise<void>;
}

/** Binding failed, for example because the port is taken. */
export class HealthServerError extends Error {
  readonly code = 'ListenFailed';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HealthServerError';
  }
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

function reply(response: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

function pathOf(request: IncomingMessage): string {
  return new URL(request.url ?? '/', 'http://localhost').pathname;
}

function isRead(request: IncomingMessage): boolean {
  return request.method === 'GET' || request.method === 'HEAD';
}

function metricsHandler(registry: Registry): Handler {
  return (request, response) => {
    if (pathOf(request) !== '/metrics') return reply(response, 404, 'not found\n');
    if (!isRead(request)) return reply(response, 405, 'method not allowed\n');
    registry.metrics().then(
      (text) => reply(response, 200, text, registry.contentType),
      () => reply(response, 500, 'metrics collection failed\n'),
    );
  };
}

function probeHandler(readiness: () => Readiness, liveness: () => boolean): Handler {
  return (request, response) => {
    const path = pathOf(request);
    if (path !== '/healthz' && path !== '/readyz') return reply(response, 404, 'not found\n');
    if (!isRead(request)) return reply(response, 405, 'method not allowed\n');
    try {
      if (path === '/healthz') return liveness() ? reply(response, 200, 'ok\n') : reply(response, 503, 'not alive\n');
      const { ready, reasons } = readiness();
      if (ready) return reply(response, 200, 'ok\n');
      reply(response, 503, `not ready: ${reasons.length > 0 ? reasons.join(', ') : 'unknown'}\n`);
    } catch {
      reply(response, 503, 'check failed\n');
    }
  };
}

function listen(address: string, handler: Handler): Promise<Server> {
  const bind = parseBindAddress(address);
  if (bind === undefined) return Promise.reject(new HealthServerError(`Invalid bind address ${JSON.stringify(address)}`));
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(new HealthServerError(`Could not listen on ${address}: ${error.message}`, { cause: error })));
    server.listen({ host: bind.host, port: bind.port }, () => resolve(server));
  });
}

function shut(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections (Prometheus keeps one open) would otherwise hold close() until they time out.
    server.closeAllConnections();
  });
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** Starts the /metrics listener and the /healthz + /readyz listener; resolves once both are bound. */
export async function startHealthServers(options: HealthServerOptions): Promise<HealthServers> {
  const metrics = await listen(options.metricsAddress, metricsHandler(options.registry));
  let probes: Server;
  try {
    probes = await listen(options.probeAddress, probeHandler(options.readiness, options.liveness));
  } catch (error) {
    await shut(metrics);
    throw error;
  }
  return {
    metricsPort: portOf(metrics),
    probePort: portOf(probes),
    close: async () => {
      await Promise.all([shut(metrics), shut(probes)]);
    },
  };
}
