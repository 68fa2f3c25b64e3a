// `npm run demo`: the whole thing on one machine with nothing but this repository. A real kube-apiserver
// and etcd (the testbed), the Genesys Cloud emulator, and the operator as its own process; the samples
// applied and `kubectl get dai` shown converging. Then it waits; Ctrl-C (or SIGTERM) takes it all down.
//
//   npm run demo                          # stays up until Ctrl-C
//   npm run demo -- --exit-when-ready     # takes everything down once all samples are Ready (CI, checks)
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, DEFAULT_CLIENT } from '../test/emulator/index.ts';
import { binariesDir, readPinnedVersions } from '../test/testbed/binaries.ts';
import { startControlPlane } from '../test/testbed/control-plane.ts';
import { findFreePort } from '../test/testbed/free-port.ts';
import { kubectlOrThrow } from '../test/testbed/kubectl.ts';
import { spawnSupervised, stopProcessGroup } from '../test/testbed/supervised-process.ts';
import { pokeInstructions } from './demo/instructions.ts';
import { integrationNames, readSamples, rewireToEmulator } from './demo/manifests.ts';
import { Teardown } from './demo/teardown.ts';
import { watchUntilReady, type Kubectl } from './demo/watch.ts';

const repoRoot = join(import.meta.dirname, '..');
const NAMESPACE = 'demo';
// Short, so that a change made by hand on the emulator is visibly reverted while you watch.
const RESYNC_PERIOD = '10s';
const READY_TIMEOUT_MS = 180_000;

class DemoError extends Error {
  constructor(
    readonly code: 'DemoOperatorExited' | 'DemoNotReady' | 'DemoStartFailed',
    message: string,
  ) {
    super(message);
    this.name = 'DemoError';
  }
}

const say = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

async function main(): Promise<number> {
  const exitWhenReady = process.argv.includes('--exit-when-ready');
  const teardown = new Teardown();
  // Aborted by Ctrl-C, SIGTERM or the operator dying: whatever the demo is doing stops and it cleans up.
  const stopping = new AbortController();
  let stopReason: 'signal' | 'operator' | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // Repeats are ignored: a terminal's Ctrl-C reaches npm and the demo alike, and npm relays it once more.
    process.on(signal, () => {
      if (stopReason !== undefined) return;
      stopReason = 'signal';
      say(`\nReceived ${signal}; cleaning up`);
      stopping.abort(new Error(`Interrupted by ${signal}`));
    });
  }

  const started = Date.now();
  try {
    // The demo always runs its own control plane; an existing cluster is the test suites' business.
    if (process.env['TESTBED_KUBECONFIG']) {
      say('Ignoring TESTBED_KUBECONFIG: the demo starts its own kube-apiserver');
      delete process.env['TESTBED_KUBECONFIG'];
    }
    await announceBuild();
    const workDir = await mkdtemp(join(tmpdir(), 'dataaction-demo-'));
    teardown.add(`Removed ${workDir}`, async () => rm(workDir, { recursive: true, force: true }));

    const cpStarted = Date.now();
    const cp = await until(stopping.signal, startControlPlane({ tiedToParent: true }));
    teardown.add(`Stopped kube-apiserver and etcd at ${cp.server}`, async () => cp.stop());
    const crds = await until(stopping.signal, cp.installCrds(join(repoRoot, 'crds')));
    say(
      `Started kube-apiserver ${cp.binaries?.version ?? ''} and etcd at ${cp.server} in ${seconds(cpStarted)} (${crds.length} CRDs installed; kubeconfig ${cp.kubeconfigPath})`,
    );
    const kubectl: Kubectl = async (args) => kubectlOrThrow(cp.kubectl, cp.kubeconfigPath, args);
    await kubectl(['create', 'namespace', NAMESPACE]);

    const emulator = await startEmulator({});
    teardown.add(`Stopped the Genesys Cloud emulator at ${emulator.baseUrl}`, async () => emulator.close());
    say(`Started the Genesys Cloud emulator at ${emulator.baseUrl}`);

    const operatorLog = join(workDir, 'operator.log');
    const [metricsPort, probePort] = [await findFreePort(), await findFreePort()];
    const operator = spawnSupervised({
      name: 'dataaction-operator',
      command: process.execPath,
      args: [
        '--import',
        import.meta.resolve('tsx'),
        join(repoRoot, 'src', 'main.ts'),
        '--kubeconfig',
        cp.kubeconfigPath,
        '--namespaces',
        NAMESPACE,
        '--allowed-endpoint-hosts',
        '127.0.0.1',
        '--resync-period',
        RESYNC_PERIOD,
        '--metrics-bind-address',
        `127.0.0.1:${metricsPort}`,
        '--health-probe-bind-address',
        `127.0.0.1:${probePort}`,
      ],
      logPath: operatorLog,
      tiedToParent: true,
    });
    let operatorStopping = false;
    teardown.add(`Stopped the operator (pid ${operator.pid})`, async () => {
      operatorStopping = true;
      await stopProcessGroup(operator.pid, 10_000);
    });
    void operator.exited.then(async (how) => {
      if (operatorStopping || stopReason !== undefined) return;
      stopReason = 'operator';
      say(`\nThe operator exited (${how}); the end of its log, ${operatorLog}:\n${await tail(operatorLog, 20)}`);
      stopping.abort(new DemoError('DemoOperatorExited', `The operator exited unexpectedly (${how})`));
    });
    await waitForProbe(`http://127.0.0.1:${probePort}/healthz`, operator.exited, stopping.signal);
    say(`Started the operator (pid ${operator.pid}), watching namespace ${NAMESPACE}; its log: ${operatorLog}`);

    const samples = rewireToEmulator(readSamples(join(repoRoot, 'deploy', 'samples')), {
      baseUrl: emulator.baseUrl,
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
    });
    say(`\n$ kubectl apply -n ${NAMESPACE} -f deploy/samples/   (the organization pointed at the emulator)`);
    process.stdout.write(
      await kubectlOrThrow(cp.kubectl, cp.kubeconfigPath, ['apply', '-n', NAMESPACE, '-f', '-'], {
        input: samples.map((object) => JSON.stringify(object)).join('\n'),
      }),
    );

    const took = await watchUntilReady({
      kubectl,
      namespace: NAMESPACE,
      names: integrationNames(samples),
      timeoutMs: READY_TIMEOUT_MS,
      everyMs: 2_000,
      print: (text) => process.stdout.write(text),
      signal: stopping.signal,
    }).catch((error: unknown) => {
      if (stopping.signal.aborted) throw stopping.signal.reason;
      throw error instanceof Error ? new DemoError('DemoNotReady', error.message) : error;
    });
    say(
      `\nAll ${integrationNames(samples).length} integrations Ready ${took.toFixed(1)} s after kubectl apply (${seconds(started)} since the demo started)`,
    );
    say(`\n$ kubectl get gcorg -n ${NAMESPACE}\n${(await kubectl(['get', 'gcorg', '-n', NAMESPACE])).trimEnd()}`);

    if (exitWhenReady) {
      say('\n--exit-when-ready: cleaning up');
    } else {
      const webServices = JSON.parse(await kubectl(['get', 'dai', 'example-web-services', '-n', NAMESPACE, '-o', 'json'])) as {
        status?: { integrationId?: string };
      };
      say(
        pokeInstructions({
          kubeconfigPath: cp.kubeconfigPath,
          kubectlPath: cp.kubectl,
          namespace: NAMESPACE,
          emulatorUrl: emulator.baseUrl,
          operatorLog,
          metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
          webServicesId: webServices.status?.integrationId,
          resyncPeriod: RESYNC_PERIOD,
        }),
      );
      await new Promise<void>((resolve) => stopping.signal.addEventListener('abort', () => resolve(), { once: true }));
      if (stopReason === 'operator') throw stopping.signal.reason;
    }
    await teardown.run(say);
    return 0;
  } catch (error) {
    // Ctrl-C is how the demo is meant to end, whenever it comes: a clean stop is a success.
    if (stopReason !== 'signal') say(`\nThe demo failed: ${describe(error)}`);
    await teardown.run(say);
    return stopReason === 'signal' ? 0 : 1;
  }
}

/** Settles like `work`, or rejects as soon as `signal` aborts (what `work` started dies with this process). */
async function until<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  signal.throwIfAborted();
  return Promise.race([
    work,
    new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })),
  ]);
}

/** Says so before a first run spends ~13 minutes building kube-apiserver, kubectl and etcd from Go modules. */
async function announceBuild(): Promise<void> {
  const pinned = await readPinnedVersions();
  const dir = binariesDir(pinned.kubernetes);
  const present = await Promise.all(
    ['kube-apiserver', 'kubectl', 'etcd'].map(async (name) =>
      access(join(dir, name)).then(
        () => true,
        () => false,
      ),
    ),
  );
  if (present.every(Boolean)) return;
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    // Go's own install location, when it is not on the PATH.
    const goBin = '/usr/local/go/bin';
    if (spawnSync(join(goBin, 'go'), ['version'], { stdio: 'ignore' }).status !== 0) {
      throw new DemoError(
        'DemoStartFailed',
        `The testbed binaries are not built yet (${dir}) and Go 1.26 is not on the PATH to build them`,
      );
    }
    process.env['PATH'] = `${goBin}:${process.env['PATH'] ?? ''}`;
  }
  say(`The testbed binaries are not built yet: building them once per machine (about 13 minutes on 2 cores; Ctrl-C stops it)`);
}

/** Polls the operator's /healthz until it answers, failing fast if the process exits first. */
async function waitForProbe(url: string, exited: Promise<string>, signal: AbortSignal): Promise<void> {
  let exit: string | undefined;
  void exited.then((how) => {
    exit = how;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    signal.throwIfAborted();
    if (exit !== undefined) throw new DemoError('DemoOperatorExited', `The operator exited while starting (${exit})`);
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new DemoError('DemoStartFailed', `The operator did not answer ${url} within 60 s`);
    await sleep(200, undefined, { signal });
  }
}

async function tail(path: string, lines: number): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`The demo failed: ${describe(error)}\n`);
    process.exit(1);
  },
);
