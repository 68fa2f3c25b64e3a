// `npm run testbed -- up|down|status|build`: a control plane for people, outliving the command that started it;
// `build` only makes sure the binaries exist (npm test runs it first, so a cold build is never inside a test hook).
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBinaries } from './binaries.ts';
import { startControlPlane, type ControlPlaneProcess } from './control-plane.ts';
import { ensureTool, GO_TOOLS } from './go-tools.ts';
import { runKubectl } from './kubectl.ts';
import { isRunning } from './process-liveness.ts';
import { stopProcessGroup } from './supervised-process.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const stateDir = join(repoRoot, '.testbed');
const statePath = join(stateDir, 'state.json');

interface TestbedState {
  server: string;
  kubeconfigPath: string;
  kubectl: string;
  version: string;
  workDir: string;
  processes: ControlPlaneProcess[];
  startedAt: string;
}

async function up(): Promise<number> {
  const current = await readState();
  if (current !== undefined && runningProcesses(current).length === current.processes.length) {
    process.stdout.write(`Testbed is already up at ${current.server}\n`);
    printUsage(current);
    return 0;
  }
  if (current !== undefined) await down();
  const started = Date.now();
  const cp = await startControlPlane({ tiedToParent: false, workDir: join(stateDir, 'run') });
  const crds = await cp.installCrds(join(repoRoot, 'crds'));
  const state: TestbedState = {
    server: cp.server,
    kubeconfigPath: cp.kubeconfigPath,
    kubectl: cp.kubectl,
    version: cp.binaries?.version ?? 'unknown',
    workDir: cp.workDir ?? '',
    processes: [...cp.processes],
    startedAt: new Date().toISOString(),
  };
  await mkdir(stateDir, { recursive: true });
  await writeFile(statePath, `${JSON.stringify(state, null, 2)}\n`);
  process.stdout.write(
    `Testbed ${state.version} is up at ${state.server} (${((Date.now() - started) / 1000).toFixed(1)} s, ${crds.length} CRDs installed)\n`,
  );
  printUsage(state);
  return 0;
}

async function down(): Promise<number> {
  const state = await readState();
  if (state === undefined) {
    process.stdout.write('Testbed is not up\n');
    await rm(stateDir, { recursive: true, force: true });
    return 0;
  }
  // Reverse start order: the API server before etcd.
  for (const child of runningProcesses(state).reverse()) await stopProcessGroup(child.pid);
  await rm(stateDir, { recursive: true, force: true });
  process.stdout.write(`Testbed at ${state.server} stopped and ${stateDir} removed\n`);
  return 0;
}

async function status(): Promise<number> {
  const state = await readState();
  if (state === undefined) {
    process.stdout.write('Testbed is down\n');
    return 1;
  }
  const running = runningProcesses(state);
  const readyz =
    running.length === state.processes.length
      ? await runKubectl(state.kubectl, state.kubeconfigPath, ['get', '--raw', '/readyz'], { timeoutMs: 10_000 })
      : undefined;
  if (readyz?.exitCode === 0) {
    process.stdout.write(`Testbed ${state.version} is up at ${state.server} since ${state.startedAt}\n`);
    printUsage(state);
    return 0;
  }
  const names = running.map((p) => p.name).join(', ') || 'none';
  process.stdout.write(`Testbed is broken: running processes: ${names}; run \`npm run testbed -- down\` then \`up\`\n`);
  for (const p of state.processes) process.stdout.write(`  ${p.name} log: ${p.logPath}\n`);
  return 1;
}

function printUsage(state: TestbedState): void {
  process.stdout.write(
    `\n  kubeconfig: ${state.kubeconfigPath}\n  kubectl:    ${state.kubectl}\n\n` +
      `  export KUBECONFIG=${state.kubeconfigPath}\n  alias kubectl=${state.kubectl}\n\n` +
      'Stop it with `npm run testbed -- down`\n',
  );
}

async function readState(): Promise<TestbedState | undefined> {
  const text = await readFile(statePath, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as TestbedState);
}

/** The recorded processes still running, checked by command line too so a reused pid is never killed. */
function runningProcesses(state: TestbedState): ControlPlaneProcess[] {
  return state.processes.filter((p) => isRunning(p.pid) && commandLine(p.pid).includes(p.name));
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

async function build(): Promise<number> {
  if (process.env['TESTBED_KUBECONFIG'] !== undefined) {
    process.stdout.write('testbed: TESTBED_KUBECONFIG is set; no kube binaries needed\n');
  } else {
    const started = Date.now();
    const binaries = await ensureBinaries();
    process.stdout.write(
      `testbed: kube-apiserver, etcd and kubectl ${binaries.version} ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }
  // The chart and alert tests' tools, one after the other: two cold Go builds at once only thrash.
  for (const tool of Object.values(GO_TOOLS)) {
    const started = Date.now();
    await ensureTool(tool);
    process.stdout.write(`testbed: ${tool.name} ${tool.version} ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  return 0;
}

const commands: Record<string, () => Promise<number>> = { up, down, status, build };
const command = commands[process.argv[2] ?? ''];
if (command === undefined) {
  process.stderr.write('Usage: npm run testbed -- up|down|status|build\n');
  process.exitCode = 2;
} else {
  command().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`testbed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
