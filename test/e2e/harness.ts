// End-to-end harness: the operator runs as its own process against the testbed's real kube-apiserver,
// and talks to the platform emulator (in this process) over loopback HTTP, as it would to Genesys Cloud.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.ts';
import { kubectlOrThrow, runKubectl } from '../testbed/kubectl.ts';

export const repoRoot = join(import.meta.dirname, '..', '..');

export type Json = Record<string, any>;

export async function kubectl(args: readonly string[], input?: string): Promise<string> {
  return kubectlOrThrow(inject('kubectlPath'), inject('kubeconfigPath'), args, input === undefined ? {} : { input });
}

export async function kubectlMayFail(args: readonly string[], input?: string): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return runKubectl(inject('kubectlPath'), inject('kubeconfigPath'), args, input === undefined ? {} : { input });
}

export async function apply(namespace: string, objects: readonly Json[]): Promise<void> {
  await kubectl(['apply', '-n', namespace, '-f', '-'], objects.map((o) => JSON.stringify(o)).join('\n'));
}

export async function getObject(namespace: string, resource: string, name: string): Promise<Json | undefined> {
  const result = await kubectlMayFail(['get', resource, name, '-n', namespace, '-o', 'json']);
  return result.exitCode === 0 ? (JSON.parse(result.stdout) as Json) : undefined;
}

export async function listObjects(namespace: string, resource: string): Promise<Json[]> {
  return (JSON.parse(await kubectl(['get', resource, '-n', namespace, '-o', 'json'])) as { items: Json[] }).items;
}

export function condition(object: Json | undefined, type: string): Json | undefined {
  return (object?.status?.conditions as Json[] | undefined)?.find((c) => c.type === type);
}

/** Polls until `probe` returns something other than undefined/false, or fails with the last value seen. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last instanceof Error ? last.message : last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function waitForCondition(namespace: string, name: string, type: string, status: string, reason?: string, timeoutMs = 60_000): Promise<Json> {
  return waitFor(`${namespace}/${name} ${type}=${status}${reason === undefined ? '' : ` (${reason})`}`, async () => {
    const object = await getObject(namespace, 'dataactionintegration', name);
    const c = condition(object, type);
    return c?.status === status && (reason === undefined || c?.reason === reason) ? object : undefined;
  }, timeoutMs);
}

/** The samples of deploy/samples, parsed. */
export function samples(): Array<{ file: string; objects: Json[] }> {
  const dir = join(repoRoot, 'deploy', 'samples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => ({ file, objects: parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJSON() as Json).filter((o) => o !== null) }));
}

/** Every value the samples' Secrets hold: none may ever show up in a log, Event or status. */
export function sampleSecretValues(): string[] {
  return samples()
    .flatMap((s) => s.objects)
    .filter((o) => o.kind === 'Secret')
    .flatMap((o) => Object.values<string>({ ...(o.stringData ?? {}), ...(o.data ?? {}) }))
    .flatMap((v) => [v, ...v.split('\n')])
    .map((v) => v.trim())
    .filter((v) => v.length >= 8 && !v.startsWith('-----'));
}

export interface Platform {
  readonly emulator: Emulator;
  /** The organization Secret and GenesysCloudOrganization that point at the emulator. */
  organization(name?: string): Json[];
}

export async function startPlatform(options: EmulatorOptions = {}): Promise<Platform> {
  const emulator = await startEmulator({ stateTransitionMs: 300, ...options });
  return {
    emulator,
    organization: (name = 'example-org') => [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${name}-oauth` }, stringData: { clientId: 'emulator-client', clientSecret: 'emulator-secret' } },
      {
        apiVersion: 'dataactions.dev/v1alpha1',
        kind: 'GenesysCloudOrganization',
        metadata: { name },
        spec: { region: 'us-east-1', oauthClientSecretRef: { name: `${name}-oauth` }, endpoints: { apiBaseUrl: emulator.baseUrl, loginBaseUrl: emulator.baseUrl } },
      },
    ],
  };
}

export interface OperatorProcess {
  readonly child: ChildProcess;
  /** Every line the operator wrote, stdout and stderr. */
  readonly lines: string[];
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<OperatorProcess>();

export interface OperatorOptions {
  readonly namespaces: readonly string[];
  readonly args?: readonly string[];
  readonly env?: Record<string, string>;
  readonly kubeconfig?: string;
}

/** Starts `src/main.ts` as its own process, the way `npm start` does. */
export function startOperator(options: OperatorOptions): OperatorProcess {
  const args = [
    '--import',
    'tsx',
    join(repoRoot, 'src', 'main.ts'),
    '--kubeconfig',
    options.kubeconfig ?? inject('kubeconfigPath'),
    '--namespaces',
    options.namespaces.join(','),
    '--allowed-endpoint-hosts',
    '127.0.0.1',
    '--metrics-bind-address',
    '127.0.0.1:0',
    '--health-probe-bind-address',
    '127.0.0.1:0',
    '--resync-period',
    '5s',
    '--log-level',
    'debug',
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l !== ''));
      if (process.env['E2E_OPERATOR_LOGS'] === '1') for (const l of parts) process.stderr.write(`[operator] ${l}\n`);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const handle: OperatorProcess = {
    child,
    lines,
    exited,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      running.delete(handle);
      return code;
    },
  };
  running.add(handle);
  return handle;
}

/** For afterAll: no operator outlives its test file. */
export async function stopAllOperators(): Promise<void> {
  await Promise.all([...running].map((o) => o.stop('SIGKILL')));
}

/** Lines that carry any of `values`, for the secrets check. */
export function leaks(texts: readonly string[], values: readonly string[]): string[] {
  return texts.filter((t) => values.some((v) => t.includes(v)));
}
