// Sends a test's rendered request, only ever to loopback: the emulator is a test double and must never
// reach a real service. The server is the one a test started beside the emulator.
import { request as httpRequest } from 'node:http';
import { TEST_DEFAULT_CONTENT_TYPE } from './action-guesses.ts';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface TestResponse {
  readonly status: number;
  readonly text: string;
  /** The body as JSON, when it is JSON. */
  readonly json: unknown;
}

/** Whether the URL is plain http to this machine. */
export function isLoopbackHttp(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname);
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The server's answer, or the error that kept it from answering (refused, timed out). */
export function sendToLoopback(
  request: { url: string; method: string; headers: Record<string, string>; body: string | undefined },
  timeoutMs: number,
): Promise<TestResponse | Error> {
  if (!isLoopbackHttp(request.url)) return Promise.resolve(new Error(`${request.url} is not a loopback http URL`));
  const headers: Record<string, string> = { ...request.headers };
  const named = (n: string): boolean => Object.keys(headers).some((h) => h.toLowerCase() === n);
  if (request.body !== undefined && !named('content-type')) headers['Content-Type'] = TEST_DEFAULT_CONTENT_TYPE;
  return new Promise((resolve) => {
    const outgoing = httpRequest(request.url, { method: request.method, headers, timeout: timeoutMs }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', (error) => resolve(error));
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: incoming.statusCode ?? 0, text, json: parsed(text) });
      });
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    outgoing.on('error', (error) => resolve(error));
    outgoing.end(request.body);
  });
}
