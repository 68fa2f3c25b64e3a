// Lease-based leader election with client-go's semantics (tools/leaderelection + LeaseLock):
// - a candidate takes the Lease when it has no holder, or when its record has not changed for a whole
//   lease duration as measured on the candidate's own clock (so clock skew between nodes is harmless);
// - the leader renews every retry period with optimistic concurrency (the Lease's resourceVersion);
// - it steps down when it could not renew within the renew deadline, or at once when it sees another
//   holder; its onStartedLeading signal is aborted and onStoppedLeading is called;
// - on shutdown it releases the Lease (empty holder) so a successor takes over without waiting.
import type { KubeConfig } from '@kubernetes/client-node';
import { sleep, systemClock, type Clock } from './clock.ts';
import { collectionPath, LEASES, objectPath } from './clients.ts';
import { isNotFound } from './errors.ts';
import { describeError, silentLog, type KubeLog } from './log.ts';
import { formatMicroTime } from './micro-time.ts';
import { transportFor, type KubeTransport } from './transport.ts';

export interface LeaderElectionConfig {
  namespace: string;
  name: string;
  /** Unique per process, for example the Pod name. */
  identity: string;
  /** How long a Lease holds without renewal (client-go default 15 s). */
  leaseDurationMs: number;
  /** How long the leader keeps retrying a renewal before it steps down (default 10 s); less than leaseDurationMs. */
  renewDeadlineMs: number;
  /** Pause between attempts (default 2 s). */
  retryPeriodMs: number;
  /** Ends the election: a leader releases the Lease and stops leading. */
  signal?: AbortSignal;
  /** Default true. */
  releaseOnCancel?: boolean;
  clock?: Clock;
  log?: KubeLog;
}

export interface LeaderCallbacks {
  /** Called once leadership is acquired; `signal` aborts when it is lost or released. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called when leadership ends, however it ends; the operator exits here. */
  onStoppedLeading(): void;
  /** Called when the observed holder changes (including to ourselves). */
  onNewLeader?(identity: string): void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

type Attempt = 'leading' | 'held-by-other' | 'failed';

/**
 * Campaigns for the Lease until `config.signal` aborts; while leading, renews it. Resolves when the
 * election is over: leadership lost or released, or the signal aborted before it was won.
 */
export async function runLeaderElection(kc: KubeConfig, config: LeaderElectionConfig, callbacks: LeaderCallbacks): Promise<void> {
  if (!(config.leaseDurationMs > config.renewDeadlineMs && config.renewDeadlineMs > config.retryPeriodMs * 1.2)) {
    throw new Error('Leader election needs leaseDurationMs > renewDeadlineMs > 1.2 × retryPeriodMs');
  }
  const elector = new LeaderElector(transportFor(kc), config, callbacks);
  await elector.run();
}

class LeaderElector {
  private readonly clock: Clock;
  private readonly log: KubeLog;
  private readonly stop: AbortSignal;
  private readonly path: string;
  /** The last Lease record seen and when (on our clock) it was first seen. */
  private observed: { spec: string; time: number } | undefined;
  private observedHolder = '';

  constructor(
    private readonly transport: KubeTransport,
    private readonly config: LeaderElectionConfig,
    private readonly callbacks: LeaderCallbacks,
  ) {
    this.clock = config.clock ?? systemClock;
    this.log = config.log ?? silentLog;
    this.stop = config.signal ?? new AbortController().signal;
    this.path = objectPath({ ...LEASES, namespace: config.namespace, name: config.name });
  }

  private get lease(): string {
    return `${this.config.namespace}/${this.config.name}`;
  }

  async run(): Promise<void> {
    if (!(await this.acquire())) return;
    this.log.info({ lease: this.lease, identity: this.config.identity }, `Acquired lease ${this.lease}`);
    const leading = new AbortController();
    void Promise.resolve()
      .then(() => this.callbacks.onStartedLeading(leading.signal))
      .catch((error: unknown) => this.log.error({ lease: this.lease, error: describeError(error) }, 'Leader callback failed'));
    const lost = await this.renewUntilLostOrStopped();
    leading.abort();
    if (lost) {
      this.log.warn({ lease: this.lease, identity: this.config.identity }, `Lost lease ${this.lease}`);
    } else if (this.config.releaseOnCancel ?? true) {
      await this.release();
    }
    this.callbacks.onStoppedLeading();
  }

  /** Tries every retry period (with client-go's jitter) until it leads; false if stopped first. */
  private async acquire(): Promise<boolean> {
    while (!this.stop.aborted) {
      if ((await this.tryAcquireOrRenew(this.config.renewDeadlineMs)) === 'leading') return true;
      const jittered = this.config.retryPeriodMs * (1 + 1.2 * Math.random());
      await sleep(this.clock, jittered, this.stop);
    }
    return false;
  }

  /** Renews every retry period. Returns true when leadership was lost, false when stopped. */
  private async renewUntilLostOrStopped(): Promise<boolean> {
    while (!this.stop.aborted) {
      const deadline = this.clock.now() + this.config.renewDeadlineMs;
      let outcome: Attempt = 'failed';
      while (!this.stop.aborted && this.clock.now() < deadline) {
        outcome = await this.tryAcquireOrRenew(deadline - this.clock.now());
        if (outcome !== 'failed') break;
        await sleep(this.clock, Math.min(this.config.retryPeriodMs, Math.max(0, deadline - this.clock.now())), this.stop);
      }
      if (this.stop.aborted) return false;
      if (outcome !== 'leading') return true;
      await sleep(this.clock, this.config.retryPeriodMs, this.stop);
    }
    return false;
  }

  private observe(spec: LeaseSpec): void {
    const serialised = JSON.stringify(spec);
    if (this.observed?.spec !== serialised) this.observed = { spec: serialised, time: this.clock.now() };
    const holder = spec.holderIdentity ?? '';
    if (holder !== this.observedHolder) {
      this.observedHolder = holder;
      if (holder !== '') this.callbacks.onNewLeader?.(holder);
    }
  }

  private async tryAcquireOrRenew(timeoutMs: number): Promise<Attempt> {
    const now = this.clock.now();
    const { identity, leaseDurationMs } = this.config;
    const timeout = Math.max(1_000, timeoutMs);
    const mine: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
      acquireTime: formatMicroTime(now),
      renewTime: formatMicroTime(now),
      leaseTransitions: 0,
    };
    try {
      let current: Lease;
      try {
        current = await this.transport.request<Lease>({ method: 'GET', path: this.path, timeoutMs: timeout });
      } catch (error) {
        if (!isNotFound(error)) throw error;
        const created = await this.transport.request<Lease>({
          method: 'POST',
          path: collectionPath(LEASES, this.config.namespace),
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: this.config.name, namespace: this.config.namespace },
            spec: mine,
          },
          timeoutMs: timeout,
        });
        this.observe(created.spec ?? mine);
        return 'leading';
      }
      const spec = current.spec ?? {};
      this.observe(spec);
      const holder = spec.holderIdentity ?? '';
      const heldFor = (spec.leaseDurationSeconds ?? 0) * 1000;
      if (holder !== '' && holder !== identity && (this.observed?.time ?? now) + heldFor > now) return 'held-by-other';

      const next: LeaseSpec =
        holder === identity
          ? { ...spec, leaseDurationSeconds: mine.leaseDurationSeconds!, renewTime: mine.renewTime! }
          : { ...mine, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 };
      const updated = await this.transport.request<Lease>({
        method: 'PUT',
        path: this.path,
        body: { ...current, spec: next },
        timeoutMs: timeout,
      });
      this.observe(updated.spec ?? next);
      return 'leading';
    } catch (error) {
      // A 409 means someone else wrote the Lease first; like any failure, try again next period.
      this.log.debug({ lease: this.lease, error: describeError(error) }, `Failed to acquire or renew lease ${this.lease}`);
      return 'failed';
    }
  }

  private async release(): Promise<void> {
    try {
      const current = await this.transport.request<Lease>({ method: 'GET', path: this.path });
      if (current.spec?.holderIdentity !== this.config.identity) return;
      const now = formatMicroTime(this.clock.now());
      await this.transport.request<Lease>({
        method: 'PUT',
        path: this.path,
        body: {
          ...current,
          spec: {
            holderIdentity: '',
            leaseDurationSeconds: 1,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: current.spec.leaseTransitions ?? 0,
          },
        },
      });
      this.log.info({ lease: this.lease, identity: this.config.identity }, `Released lease ${this.lease}`);
    } catch (error) {
      this.log.warn({ lease: this.lease, error: describeError(error) }, `Failed to release lease ${this.lease}`);
    }
  }
}
