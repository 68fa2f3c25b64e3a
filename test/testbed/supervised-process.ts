import { spawn, spawnSync } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRunning } from './process-liveness.ts';
import { TestbedError } from './testbed-error.ts';

export interface SupervisedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logPath: string;
  /** Resolves with the exit code (or signal) if the process ends; never rejects. */
  readonly exited: Promise<string>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: readonly string[];
  logPath: string;
  /**
   * When true the process gets SIGKILL as soon as this Node process dies, however it dies (SIGKILL
   * included), via the kernel's parent-death signal. `npm run testbed -- up` passes false so the control
   * plane outlives the command.
   */
  tiedToParent: boolean;
}

let setprivChecked = false;

/** Starts a process in its own process group, with stdout and stderr going to `logPath`. */
export function spawnSupervised(options: SpawnOptions): SupervisedProcess {
  const [command, args] = options.tiedToParent
    ? [requireSetpriv(), ['--pdeathsig', 'KILL', '--', options.command, ...options.args]]
    : [options.command, [...options.args]];
  const log = openSync(options.logPath, 'a');
  try {
    // detached: a process group of its own, so stop() can signal the group and a Ctrl-C in the terminal
    // does not race our orderly shutdown.
    const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
    const pid = child.pid;
    if (pid === undefined) {
      throw new TestbedError('TESTBED_PROCESS_EXITED', `Failed to start ${options.name} (${options.command})`);
    }
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code ?? 'unknown'}`));
      child.once('error', (error) => resolve(error.message));
    });
    if (!options.tiedToParent) child.unref();
    return { name: options.name, pid, logPath: options.logPath, exited };
  } finally {
    closeSync(log);
  }
}

/** Sends SIGTERM to the process group, then SIGKILL if it has not gone after `graceMs`. */
export async function stopProcessGroup(pid: number, graceMs = 5_000): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isRunning(pid) && Date.now() < deadline) await sleep(50);
  if (isRunning(pid)) signalGroup(pid, 'SIGKILL');
  while (isRunning(pid)) await sleep(20);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function requireSetpriv(): string {
  if (!setprivChecked) {
    const probe = spawnSync('setpriv', ['--version'], { stdio: 'ignore' });
    if (probe.status !== 0) {
      throw new TestbedError(
        'TESTBED_SETPRIV_MISSING',
        'setpriv (util-linux) is needed so etcd and kube-apiserver die with the test run; install util-linux',
      );
    }
    setprivChecked = true;
  }
  return 'setpriv';
}
