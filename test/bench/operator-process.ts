// The operator as its own process, started as test/e2e/harness.ts does (node --import tsx src/main.ts),
// with the kubeconfig passed explicitly: the harness's inject() only works inside vitest.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const repoRoot = join(import.meta.dirname, '..', '..');
const STARTED_MESSAGE = 'Started dataaction-operator';

export interface OperatorProcessOptions {
  readonly kubeconfigPath: string;
  readonly namespace: string;
  readonly resyncMs: number;
  readonly echoLogs: boolean;
  /** The compiled entry point (`dist/main.js`), or undefined to run src/main.ts through tsx. */
  readonly compiledMain: string | undefined;
  /** `info` unless given (the soak reads debug lines too, for the secrets check). */
  readonly logLevel?: string;
  /** Appended to the flags above (the soak adds `--leader-elect ...`). */
  readonly extraArgs?: readonly string[];
  /** Added to this process's environment (the soak sets POD_NAME, the leader election identity). */
  readonly env?: Readonly<Record<string, string>>;
  /** Node's own flags, before the entry point (the bench passes the Deployment's NODE_OPTIONS). */
  readonly nodeArgs?: readonly string[];
}

export class OperatorProcess {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private ports: { metrics: number; probe: number } | undefined;

  constructor(options: OperatorProcessOptions) {
    const args = [
      ...(options.nodeArgs ?? []),
      ...(options.compiledMain === undefined ? ['--import', 'tsx', join(repoRoot, 'src', 'main.ts')] : [options.compiledMain]),
      '--kubeconfig',
      options.kubeconfigPath,
      '--namespaces',
      options.namespace,
      '--allowed-endpoint-hosts',
      '127.0.0.1',
      '--metrics-bind-address',
      '127.0.0.1:0',
      '--health-probe-bind-address',
      '127.0.0.1:0',
      '--resync-period',
      `${Math.round(options.resyncMs)}ms`,
      // info, as deployed: debug lines would add their own cost to what is measured.
      '--log-level',
      options.logLevel ?? 'info',
      ...(options.extraArgs ?? []),
    ];
    this.child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let buffered = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buffered += chunk;
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        for (const line of parts) {
          if (line === '') continue;
          this.lines.push(line);
          this.notice(line);
          if (options.echoLogs) process.stderr.write(`[operator] ${line}\n`);
        }
      });
    }
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** True once the process has exited, by itself or by a signal. */
  get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Resolves once the informers have synced (/readyz 200), so the timer starts on a working operator. */
  async waitUntilReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null)
        throw new Error(`The operator exited with code ${this.child.exitCode}: ${this.lines.slice(-5).join('\n')}`);
      if (this.ports !== undefined) {
        const status = await fetch(`http://127.0.0.1:${this.ports.probe}/readyz`).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 200) return;
      }
      if (Date.now() > deadline) throw new Error(`The operator was not ready after ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  /** Reconciles of DataActionIntegrations so far, from the operator's own Prometheus counter. */
  async integrationReconciles(): Promise<number> {
    return this.reconciles('dataactionintegration');
  }

  /** Reconciles by one controller (`dataactionintegration`, `dataaction`) so far, every result. */
  async reconciles(controller: string): Promise<number> {
    if (this.ports === undefined) throw new Error('The operator has not said which metrics port it bound');
    const text = await (await fetch(`http://127.0.0.1:${this.ports.metrics}/metrics`)).text();
    let total = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith('controller_runtime_reconcile_total{') && line.includes(`controller="${controller}"`)) {
        total += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** The sum of a metric's samples (every label set) on /metrics; NaN when absent. */
  async metricValue(name: string): Promise<number> {
    if (this.ports === undefined) throw new Error('The operator has not said which metrics port it bound');
    const text = await (await fetch(`http://127.0.0.1:${this.ports.metrics}/metrics`)).text();
    let total = Number.NaN;
    for (const line of text.split('\n')) {
      if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
        total = (Number.isNaN(total) ? 0 : total) + Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return total;
  }

  /** The process's resident set now (VmRSS), in bytes. */
  async rssBytes(): Promise<number> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (match === null) throw new Error(`No VmRSS in /proc/${this.pid}/status`);
    return Number(match[1]) * 1024;
  }

  /** The process's peak resident set (VmHWM), in bytes. */
  async peakRssBytes(): Promise<number> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    if (match === null) throw new Error(`No VmHWM in /proc/${this.pid}/status`);
    return Number(match[1]) * 1024;
  }

  /** Sends SIGTERM and resolves with the milliseconds until the process exited (0 if it had already). */
  async stop(): Promise<number> {
    const signalledAt = performance.now();
    const running = this.child.exitCode === null && this.child.signalCode === null;
    if (running) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.kill(), 10_000);
    await this.exited;
    clearTimeout(timer);
    return running ? performance.now() - signalledAt : 0;
  }

  /** For an abrupt exit of the benchmark: never leave an operator behind. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** SIGKILL, then waits until the process is gone (a crash, as the soak injects it). */
  async killAndWait(): Promise<void> {
    this.kill();
    await this.exited;
  }

  private notice(line: string): void {
    if (this.ports !== undefined || !line.includes(STARTED_MESSAGE)) return;
    try {
      const entry = JSON.parse(line) as { metricsPort?: number; probePort?: number };
      if (entry.metricsPort !== undefined && entry.probePort !== undefined)
        this.ports = { metrics: entry.metricsPort, probe: entry.probePort };
    } catch {
      // Not a JSON line: keep waiting for one.
    }
  }
}

/** Compiles src/ as the image build does, into .bench/dist (gitignored); returns the entry point. */
export async function compileOperator(): Promise<string> {
  const outDir = join(repoRoot, '.bench', 'dist');
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      [tsc, '-p', join(repoRoot, 'tsconfig.build.json'), '--outDir', outDir],
      { cwd: repoRoot },
      (error, stdout) => {
        if (error === null) resolve();
        else reject(new Error(`tsc failed: ${stdout.trim() || error.message}`));
      },
    );
  });
  return join(outDir, 'main.js');
}

/**
 * Node's flags as the Deployment sets them (NODE_OPTIONS in deploy/deployment.yaml), so that the compiled
 * operator runs in the bench with the heap limits it has in a cluster.
 */
export function deployedNodeArgs(): string[] {
  const manifest = readFileSync(join(repoRoot, 'deploy', 'deployment.yaml'), 'utf8');
  const match = /name: NODE_OPTIONS\s*\n\s*value: (.+)/.exec(manifest);
  return (
    match?.[1]
      ?.trim()
      .replace(/^["']|["']$/g, '')
      .split(/\s+/) ?? []
  );
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}
