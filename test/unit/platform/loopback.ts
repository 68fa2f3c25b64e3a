// A tiny Genesys-shaped HTTP server on 127.0.0.1 for protocol edge cases the emulator has no fault for.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string;
  readonly body: string;
}

export type Reply =
  | { readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string> }
  /** Close the connection without an answer. */
  | 'drop'
  /** Never answer. */
  | 'hang';

export type Handler = (request: SeenRequest) => Reply | Promise<Reply>;

export interface Loopback {
  readonly baseUrl: string;
  readonly requests: SeenRequest[];
  /** Requests to one path (any method), `"METHOD /path"` form. */
  count(route: string): number;
  close(): Promise<void>;
}

export async function startLoopback(handler: Handler): Promise<Loopback> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void serve(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization ?? '',
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(seen);
    const reply = await handler(seen);
    if (reply === 'drop') {
      req.socket.destroy();
      return;
    }
    if (reply === 'hang') return;
    const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(text);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    count: (route) => requests.filter((r) => `${r.method} ${r.path}` === route).length,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A login that always grants `token-<n>`, n counting the logins. */
export function grantTokens(expiresIn = 86_399): { readonly handle: Handler; logins(): number } {
  let logins = 0;
  return {
    handle: () => {
      logins += 1;
      return { status: 200, body: { access_token: `token-${logins}`, token_type: 'bearer', expires_in: expiresIn } };
    },
    logins: () => logins,
  };
}

/** A clock whose sleeps return at once and move time forward by what was asked. */
export function fakeClock(start = 1_000_000): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
  let t = start;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
      await Promise.resolve();
    },
    slept,
  };
}

export const integrationBody = (id: string, typeId = 'custom-rest-actions'): Record<string, unknown> => ({
  id,
  name: `Integration ${id}`,
  integrationType: { id: typeId },
  intendedState: 'DISABLED',
  reportedState: { code: 'INACTIVE' },
});
