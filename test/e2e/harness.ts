// End-to-end harness: the operator runs as its own process against the testbed's real kube-apiserver,
// and talks to the platform emulator (in this process) over loopback HTTP, as it would to Genesys Cloud.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, inject } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startEmulator, type Emulator, type EmulatorOptions, type FaultSpec } from '../emulator/index.ts';
import { createTestNamespace } from '../testbed/namespace.ts';
import { kubectlOrThrow, runKubectl } from '../testbed/kubectl.ts';

export const repoRoot = join(import.meta.dirname, '..', '..');

export type Json = Record<string, any>;

export async function kubectl(args: readonly string[], input?: string): Promise<string> {
  return kubectlOrThrow(inject('kubectlPath'), inject('kubeconfigPath'), args, input === undefined ? {} : { input });
}

export async function kubectlMayFail(
  args: readonly string[],
  input?: string,
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
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
    if (Date.now() > deadline)
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last instanceof Error ? last.message : last)}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function waitForCondition(
  namespace: string,
  name: string,
  type: string,
  status: string,
  reason?: string,
  timeoutMs = 60_000,
): Promise<Json> {
  let seen: Json | undefined;
  return waitFor(
    `${namespace}/${name} ${type}=${status}${reason === undefined ? '' : ` (${reason})`}`,
    async () => {
      const object = await getObject(namespace, 'dataactionintegration', name);
      const c = condition(object, type);
      seen = c;
      return c?.status === status && (reason === undefined || c?.reason === reason) ? object : undefined;
    },
    timeoutMs,
  ).catch((error: unknown) => {
    // Say where it stood: the condition last seen (its status, reason and message), or that there was none.
    throw new Error(`${error instanceof Error ? error.message : String(error)}; ${type} last seen: ${JSON.stringify(seen ?? null)}`);
  });
}

/** The samples of deploy/samples, parsed. */
export function samples(): Array<{ file: string; objects: Json[] }> {
  const dir = join(repoRoot, 'deploy', 'samples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => ({
      file,
      objects: parseAllDocuments(readFileSync(join(dir, file), 'utf8'))
        .map((d) => d.toJSON() as Json)
        .filter((o) => o !== null),
    }));
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
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `${name}-oauth` },
        stringData: { clientId: 'emulator-client', clientSecret: 'emulator-secret' },
      },
      {
        apiVersion: 'dataactions.dev/v1alpha1',
        kind: 'GenesysCloudOrganization',
        metadata: { name },
        spec: {
          region: 'us-east-1',
          oauthClientSecretRef: { name: `${name}-oauth` },
          endpoints: { apiBaseUrl: emulator.baseUrl, loginBaseUrl: emulator.baseUrl },
        },
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
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

// --- Scenario helpers (test/e2e/scenarios-*.test.ts) ---

/** A DataActionIntegration manifest; `annotations` for adoption. */
export function integrationManifest(name: string, spec: Json, annotations?: Record<string, string>): Json {
  return {
    apiVersion: 'dataactions.dev/v1alpha1',
    kind: 'DataActionIntegration',
    metadata: { name, ...(annotations === undefined ? {} : { annotations }) },
    spec: { organizationRef: { name: 'example-org' }, ...spec },
  };
}

export function secretManifest(name: string, stringData: Record<string, string>): Json {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', stringData };
}

/** The organization manifests of `platform.organization()`, with a larger request budget. */
export function withRequestsPerMinute(objects: readonly Json[], requestsPerMinute: number): Json[] {
  return objects.map((o) => (o.kind === 'GenesysCloudOrganization' ? { ...o, spec: { ...o.spec, requestsPerMinute } } : o));
}

/** The Events (core/v1 view) of a namespace, or only those about the object `name`. */
export async function listEvents(namespace: string, name?: string): Promise<Json[]> {
  const events = await listObjects(namespace, 'events');
  return name === undefined ? events : events.filter((e) => e.involvedObject?.name === name);
}

/** Waits for an Event with `reason` about `name`, and returns it. */
export async function waitForEvent(namespace: string, name: string, reason: string, timeoutMs = 30_000): Promise<Json> {
  return waitFor(
    `Event ${reason} about ${namespace}/${name}`,
    async () => (await listEvents(namespace, name)).find((e) => e.reason === reason),
    timeoutMs,
  );
}

/** How many calls the emulator answered on these route keys (e.g. `PUT /api/v2/integrations/{id}/config/current`). */
export function countCalls(emulator: Emulator, routes: readonly string[]): number {
  const byRoute = emulator.control.calls().byRoute;
  return routes.reduce((sum, route) => sum + (byRoute[route]?.count ?? 0), 0);
}

/** How many calls the emulator answered that could change something on the platform (logins aside). */
export function countPlatformWrites(emulator: Emulator): number {
  return Object.entries(emulator.control.calls().byRoute)
    .filter(([route]) => /^(POST|PUT|PATCH|DELETE) \/api\//.test(route))
    .reduce((sum, [, counts]) => sum + counts.count, 0);
}

/** The stored integration the resource points at, per its status. */
export function storedIntegrationOf(
  emulator: Emulator,
  resource: Json | undefined,
): ReturnType<Emulator['control']['state']>['integrations'][number] | undefined {
  const id = resource?.status?.integrationId as string | undefined;
  return id === undefined ? undefined : emulator.control.state().integrations.find((i) => i.id === id && i.deletedAt === undefined);
}

/** Everything a user can read about a namespace's resources: for the no-secret-value check. */
export async function userVisibleTexts(namespace: string): Promise<string[]> {
  const events = await kubectl(['get', 'events', '-n', namespace, '-o', 'json']);
  const statuses = (await listObjects(namespace, 'dataactionintegrations')).map((o) => JSON.stringify(o.status ?? {}));
  const table = await kubectl(['get', 'dataactions', '-n', namespace, '-o', 'wide']);
  return [events, table, ...statuses];
}

// ---- Robustness helpers: one small resource, the operator's JSON log, its probes, the Lease ----

/** A Web services integration with basic-auth credentials in its own Secret: the smallest resource with a secret. */
export function webServicesIntegration(
  name: string,
  options: { organization?: string; displayName?: string; password?: string } = {},
): Json[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${name}-credentials` },
      stringData: { userName: `${name}-user`, password: options.password ?? `${name}-password-value` },
    },
    {
      apiVersion: 'dataactions.dev/v1alpha1',
      kind: 'DataActionIntegration',
      metadata: { name },
      spec: {
        organizationRef: { name: options.organization ?? 'example-org' },
        type: 'WebServices',
        displayName: options.displayName ?? name,
        webServices: { credentialType: 'BasicAuth' },
        credentials: { secretRef: { name: `${name}-credentials` } },
      },
    },
  ];
}

/** How many calls the emulator counted on one route key (answered or dropped), e.g. `POST /api/v2/integrations`. */
export function platformCalls(platform: Platform, route: string): number {
  return platform.emulator.control.calls().byRoute[route]?.count ?? 0;
}

/** The operator's log lines that are JSON records (pino writes one per line). */
export function logRecords(operator: OperatorProcess): Json[] {
  return operator.lines.flatMap((line) => {
    try {
      const record: unknown = JSON.parse(line);
      return typeof record === 'object' && record !== null ? [record as Json] : [];
    } catch {
      return [];
    }
  });
}

/** Waits until the operator has logged a record that `test` accepts, and returns it. */
export async function waitForLog(
  operator: OperatorProcess,
  what: string,
  test: (record: Json) => boolean,
  timeoutMs = 30_000,
): Promise<Json> {
  return waitFor(what, () => Promise.resolve(logRecords(operator).find(test)), timeoutMs, 100);
}

/** The probe port the operator bound, from its `Started dataaction-operator` line. */
export async function probePortOf(operator: OperatorProcess): Promise<number> {
  const started = await waitForLog(
    operator,
    'the operator to start',
    (r) => r.msg === 'Started dataaction-operator' && typeof r.probePort === 'number',
  );
  return started.probePort as number;
}

/** The HTTP status of GET `path` on the operator's probe port, or 0 when nothing answers. */
export async function probeStatus(port: number, path: '/readyz' | '/healthz'): Promise<number> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** The holder a Lease names; '' when released, undefined when there is no Lease. */
export async function leaseHolder(namespace: string, name: string): Promise<string | undefined> {
  const lease = await getObject(namespace, 'leases.coordination.k8s.io', name);
  return lease === undefined ? undefined : ((lease.spec?.holderIdentity as string | undefined) ?? '');
}

/** The sum of every sample of one metric on the operator's /metrics endpoint (0 when it has none). */
export async function metricTotal(operator: OperatorProcess, name: string): Promise<number> {
  const started = await waitForLog(
    operator,
    'the operator to start',
    (r) => r.msg === 'Started dataaction-operator' && typeof r.metricsPort === 'number',
  );
  const response = await fetch(`http://127.0.0.1:${started.metricsPort as number}/metrics`, { signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** The command line of every process on the machine, to prove that nothing a test started is left running. */
export function processCommandLines(): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        return '';
      }
    });
}

// ---- Crash tests: an operator killed while a create is under way, and the one that starts after it ----

export interface CrashFixture {
  /** The operators started; every one's log, the killed ones' too, is checked for the secret values after each test. */
  readonly operators: OperatorProcess[];
  /** Starts a platform that is closed after the test. */
  readonly platform: (options: EmulatorOptions) => Promise<Platform>;
  /**
   * On a fresh namespace: arms the fault, starts an operator, applies what `manifests` gives, and SIGKILLs the
   * operator once `crashPoint` says the create is under way.
   */
  readonly crashDuring: (options: {
    readonly what: string;
    readonly platform: EmulatorOptions;
    readonly namespacePrefix: string;
    readonly manifests: (platform: Platform) => readonly Json[];
    readonly fault: FaultSpec;
    readonly crashPoint: (platform: Platform) => boolean;
    readonly timeoutMs: number;
  }) => Promise<{ namespace: string; platform: Platform }>;
}

/** Registers, in the calling describe block, the cleanup and the secret check every crash test needs. */
export function useCrashFixture(secretValues: readonly string[]): CrashFixture {
  const operators: OperatorProcess[] = [];
  let current: Platform | undefined;
  afterEach(async () => {
    expect(
      leaks(
        operators.flatMap((o) => o.lines),
        secretValues,
      ),
    ).toEqual([]);
    operators.length = 0;
    await stopAllOperators();
    await current?.emulator.close();
    current = undefined;
  });
  const platform = async (options: EmulatorOptions): Promise<Platform> => (current = await startPlatform(options));
  return {
    operators,
    platform,
    crashDuring: async (options) => {
      const started = await platform(options.platform);
      const namespace = await createTestNamespace(options.namespacePrefix);
      started.emulator.control.addFault(options.fault);
      const first = startOperator({ namespaces: [namespace] });
      operators.push(first);
      await apply(namespace, options.manifests(started));
      await waitFor(options.what, () => Promise.resolve(options.crashPoint(started)), options.timeoutMs, 10);
      await first.stop('SIGKILL');
      return { namespace, platform: started };
    },
  };
}
