// Two operator replicas with leader election, as the Deployment runs them, each the real operator process
// (test/bench/operator-process.ts). The soak kills or stops the leader and starts a successor, as a
// Deployment would after a crash or during a rollout.
import { OperatorProcess } from '../bench/operator-process.ts';
import type { SoakKube } from './kube.ts';

export const LEASE_NAMESPACE = 'soak-system';
export const LEASE_NAME = 'dataaction-operator-soak';

export interface ReplicaOptions {
  readonly kubeconfigPath: string;
  readonly namespaces: readonly string[];
  readonly echoLogs: boolean;
}

export class Replicas {
  /** Every process ever started (their log lines stay for the secrets check). */
  readonly all: OperatorProcess[] = [];
  private readonly live = new Map<string, OperatorProcess>();
  private readonly options: ReplicaOptions;
  private readonly kube: SoakKube;
  private next = 1;

  constructor(options: ReplicaOptions, kube: SoakKube) {
    this.options = options;
    this.kube = kube;
  }

  /** Starts replicas until `count` run. */
  fill(count = 2): void {
    for (const [identity, process] of this.live) if (process.hasExited) this.live.delete(identity);
    while (this.live.size < count) this.start();
  }

  /** The live leader's identity and process, when the Lease names one of ours. */
  async leader(): Promise<{ identity: string; process: OperatorProcess } | undefined> {
    const holder = await this.kube.leaseHolder(LEASE_NAMESPACE, LEASE_NAME);
    const process = holder === undefined ? undefined : this.live.get(holder);
    return holder === undefined || process === undefined || process.hasExited ? undefined : { identity: holder, process };
  }

  /** SIGKILL of the leader (or of any replica when no leader is known yet); returns whom it hit. */
  async killLeader(): Promise<string> {
    const target = (await this.leader()) ?? this.any();
    if (target === undefined) return 'none';
    await target.process.killAndWait();
    this.live.delete(target.identity);
    return target.identity;
  }

  /** SIGTERM of the leader: it releases the Lease, and the other replica takes over at once. */
  async stopLeader(): Promise<string> {
    const target = (await this.leader()) ?? this.any();
    if (target === undefined) return 'none';
    await target.process.stop();
    this.live.delete(target.identity);
    return target.identity;
  }

  /** Lines every replica wrote since `from` (an index per process, updated in place). */
  newLines(from: Map<OperatorProcess, number>): string[] {
    const lines: string[] = [];
    for (const process of this.all) {
      const start = from.get(process) ?? 0;
      lines.push(...process.lines.slice(start));
      from.set(process, process.lines.length);
    }
    return lines;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.live.values()].map((p) => p.stop()));
    this.live.clear();
  }

  /** For an abrupt exit: never leave an operator behind. */
  killAll(): void {
    for (const process of this.all) process.kill();
  }

  private any(): { identity: string; process: OperatorProcess } | undefined {
    const [entry] = this.live.entries();
    return entry === undefined ? undefined : { identity: entry[0], process: entry[1] };
  }

  private start(): void {
    const identity = `soak-replica-${this.next}`;
    this.next += 1;
    const process = new OperatorProcess({
      kubeconfigPath: this.options.kubeconfigPath,
      namespace: this.options.namespaces.join(','),
      resyncMs: 10_000,
      echoLogs: this.options.echoLogs,
      compiledMain: undefined,
      logLevel: 'debug',
      extraArgs: ['--leader-elect', '--leader-election-namespace', LEASE_NAMESPACE, '--leader-election-id', LEASE_NAME],
      env: { POD_NAME: identity },
    });
    this.all.push(process);
    this.live.set(identity, process);
  }
}
