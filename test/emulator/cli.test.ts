import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { call, login } from './harness.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const running: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(args: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: 'pipe' });
  running.push(child);
  return child;
}

async function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return line;
}

describe('emulator command', () => {
  it('prints its base URL first, serves the given client, and stops cleanly on SIGTERM', async () => {
    const child = run(['--port', '0', '--client', 'ops:pa:ss', '--requests-per-minute', '2', '--state-transition-ms', '0']);
    const line = await firstLine(child);
    expect(line).toMatch(/^Emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
    const baseUrl = line.replace('Emulator listening on ', '');
    const granted = await login(baseUrl, 'ops', 'pa:ss');
    expect(granted.status).toBe(200);
    const token = String(granted.body.access_token);
    expect((await call(baseUrl, 'GET', '/api/v2/integrations', { token })).status).toBe(200);
    expect((await call(baseUrl, 'GET', '/api/v2/integrations', { token })).status).toBe(200);
    expect((await call(baseUrl, 'GET', '/api/v2/integrations', { token })).status).toBe(429);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 30_000);

  it('embeds configs in listings asked to expand them when started with --listing-expands-config', async () => {
    const child = run(['--port', '0', '--listing-expands-config']);
    const baseUrl = (await firstLine(child)).replace('Emulator listening on ', '');
    const consistency = await call(baseUrl, 'GET', '/__emulator/consistency');
    expect(consistency.body).toMatchObject({ listingExpandsConfig: true });
    child.kill('SIGTERM');
    await once(child, 'exit');
  }, 30_000);

  it('refuses a malformed client flag with usage and exit code 2', async () => {
    const child = run(['--client', 'no-colon']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain('--client must be id:secret');
  }, 30_000);
});
