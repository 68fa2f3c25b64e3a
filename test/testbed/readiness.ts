import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestbedError } from './testbed-error.ts';

export interface ApiRequest {
  server: string;
  caPem: string;
  token: string;
}

/** GETs a path on the API server and returns the status code (0 when the connection failed). */
export async function getStatus(api: ApiRequest, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      new URL(path, api.server),
      { method: 'GET', ca: api.caPem, headers: { authorization: `Bearer ${api.token}` }, timeout: 5_000 },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(0));
    req.end();
  });
}

/**
 * Polls until every path answers 200, failing fast when `exited` settles first (a crashed process would
 * otherwise look like a slow one for the whole timeout).
 */
export async function waitUntilServing(
  probe: () => Promise<boolean>,
  what: string,
  options: { timeoutMs: number; exited: Promise<string>; logPath: string },
): Promise<void> {
  let exitReason: string | undefined;
  void options.exited.then((reason) => (exitReason = reason));
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (exitReason !== undefined) {
      throw new TestbedError(
        'TESTBED_PROCESS_EXITED',
        `${what} exited (${exitReason}) before it was ready; see ${options.logPath}:\n${await readLastLines(options.logPath, 3)}`,
      );
    }
    if (await probe()) return;
    if (Date.now() > deadline) {
      throw new TestbedError('TESTBED_START_TIMEOUT', `${what} was not ready within ${options.timeoutMs / 1000} s; see ${options.logPath}`);
    }
    await sleep(200);
  }
}

async function readLastLines(path: string, count: number): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
