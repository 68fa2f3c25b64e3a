// Two electors on one Lease against a real kube-apiserver.
import { KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { LEASES, objectPath } from '../../src/kube/clients.ts';
import { runLeaderElection, type LeaderElectionConfig } from '../../src/kube/leader-election.ts';
import { createTransport } from '../../src/kube/transport.ts';
import { createTestNamespace } from '../testbed/namespace.ts';

const kc = new KubeConfig();
kc.loadFromFile(inject('kubeconfigPath'));
const api = createTransport(kc);

const TIMING = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 250 };

interface Candidate {
  stop: AbortController;
  leading: boolean;
  leadingSignal: AbortSignal | undefined;
  stoppedLeading: number;
  done: Promise<void>;
}

function campaign(config: Omit<LeaderElectionConfig, 'signal'>): Candidate {
  const candidate: Candidate = {
    stop: new AbortController(),
    leading: false,
    leadingSignal: undefined,
    stoppedLeading: 0,
    done: Promise.resolve(),
  };
  candidate.done = runLeaderElection(
    kc,
    { ...config, signal: candidate.stop.signal },
    {
      onStartedLeading(signal) {
        candidate.leading = true;
        candidate.leadingSignal = signal;
      },
      onStoppedLeading() {
        candidate.leading = false;
        candidate.stoppedLeading++;
      },
    },
  );
  return candidate;
}

describe('leader election', () => {
  let namespace: string;
  beforeAll(async () => {
    namespace = await createTestNamespace('kube-lease');
  });

  it('lets one of two candidates lead, and hands over quickly when the leader releases', async () => {
    const first = campaign({ namespace, name: 'handover', identity: 'operator-a', ...TIMING });
    await vi.waitFor(() => expect(first.leading).toBe(true), 5_000);
    const second = campaign({ namespace, name: 'handover', identity: 'operator-b', ...TIMING });
    await new Promise((resolve) => setTimeout(resolve, TIMING.leaseDurationMs + 500)); // the leader keeps renewing
    expect(second.leading).toBe(false);

    const released = Date.now();
    first.stop.abort();
    await first.done;
    expect(first.stoppedLeading).toBe(1);
    expect(first.leadingSignal?.aborted).toBe(true);

    await vi.waitFor(() => expect(second.leading).toBe(true), 5_000);
    expect(Date.now() - released).toBeLessThan(TIMING.leaseDurationMs); // no wait for expiry
    const lease = await api.request<{ spec: { holderIdentity: string; leaseTransitions: number } }>({
      method: 'GET',
      path: objectPath({ ...LEASES, namespace, name: 'handover' }),
    });
    expect(lease.spec.holderIdentity).toBe('operator-b');
    second.stop.abort();
    await second.done;
  });

  it('takes over a Lease whose holder stopped renewing once it expires', async () => {
    const crashed = campaign({ namespace, name: 'takeover', identity: 'operator-a', releaseOnCancel: false, ...TIMING });
    await vi.waitFor(() => expect(crashed.leading).toBe(true), 5_000);
    crashed.stop.abort(); // stops renewing without releasing, as a killed process would
    await crashed.done;

    const stoppedAt = Date.now();
    const successor = campaign({ namespace, name: 'takeover', identity: 'operator-b', ...TIMING });
    await vi.waitFor(() => expect(successor.leading).toBe(true), 10_000);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(TIMING.leaseDurationMs - 500);
    successor.stop.abort();
    await successor.done;
  });

  it('steps down at once when another holder took the Lease', async () => {
    const leader = campaign({ namespace, name: 'usurped', identity: 'operator-a', ...TIMING });
    await vi.waitFor(() => expect(leader.leading).toBe(true), 5_000);
    const path = objectPath({ ...LEASES, namespace, name: 'usurped' });
    const lease = await api.request<{ spec: Record<string, unknown> }>({ method: 'GET', path });
    await api.request({ method: 'PUT', path, body: { ...lease, spec: { ...lease.spec, holderIdentity: 'operator-z' } } });

    await vi.waitFor(() => expect(leader.stoppedLeading).toBe(1), 2_000);
    await leader.done;
    expect(leader.leadingSignal?.aborted).toBe(true);
  });
});
