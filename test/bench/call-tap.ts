// A pass-through HTTP proxy in front of an emulator that notes when each call arrives, so that the bench can
// time "change made" to "first platform call about it" without touching the emulator. The operator's
// organization points at the tap; the tap forwards every request unchanged, over keep-alive connections.
import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TappedCall {
  /** performance.now() when the request arrived. */
  readonly at: number;
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
}

type Watcher = { readonly matches: (call: TappedCall) => boolean; readonly resolve: (call: TappedCall) => void };

export class CallTap {
  readonly baseUrl: string;
  private readonly server: Server;
  private readonly agent: Agent;
  private readonly watchers = new Set<Watcher>();
  private arrivals = 0;

  private constructor(server: Server, agent: Agent) {
    this.server = server;
    this.agent = agent;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Starts a tap that forwards to `target` (an http:// base URL). */
  static async start(target: string): Promise<CallTap> {
    const upstream = new URL(target);
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const started: { tap?: CallTap } = {};
    const server = createServer((req, res) => {
      started.tap?.notice({ at: performance.now(), method: req.method ?? 'GET', url: req.url ?? '/' });
      const forwarded = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on('error', () => res.destroy());
      req.pipe(forwarded);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    started.tap = new CallTap(server, agent);
    return started.tap;
  }

  /** Calls forwarded so far. */
  get count(): number {
    return this.arrivals;
  }

  /** The first call from now on that `matches`, or undefined after `timeoutMs`. */
  next(matches: (call: TappedCall) => boolean, timeoutMs: number): Promise<TappedCall | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.watchers.delete(watcher);
        resolve(undefined);
      }, timeoutMs);
      const watcher: Watcher = {
        matches,
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
      };
      this.watchers.add(watcher);
    });
  }

  async close(): Promise<void> {
    for (const watcher of this.watchers) this.watchers.delete(watcher);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.agent.destroy();
  }

  private notice(call: TappedCall): void {
    this.arrivals += 1;
    for (const watcher of this.watchers) {
      if (!watcher.matches(call)) continue;
      this.watchers.delete(watcher);
      watcher.resolve(call);
    }
  }
}
