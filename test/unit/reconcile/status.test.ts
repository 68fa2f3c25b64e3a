// The status the reconciler writes, and the one Warning a failure gets.
import { describe, expect, it } from 'vitest';
import type { DataActionIntegrationStatus } from '../../../src/api/index.ts';
import { composeStatus, failureWarning } from '../../../src/reconcile/status.ts';

const NOW = new Date('2026-11-24T10:00:00Z');
const blocked = {
  status: 'False' as const,
  reason: 'SecretNotFound' as const,
  message: 'Secret "crm-creds" (spec.credentials.secretRef) was not found',
};

function pass(current: DataActionIntegrationStatus, generation = 1): DataActionIntegrationStatus {
  return composeStatus(current, { status: {}, ready: blocked, synced: blocked }, {}, undefined, generation, NOW, (t) => t);
}

describe('the Warning of a failure', () => {
  it('is emitted once on the first reconcile, not again when its own status write wakes the resource', () => {
    const first = pass({});
    expect(failureWarning({}, first)).toEqual({ reason: 'SecretNotFound', message: blocked.message });
    // The status write above brings the resource back: the same failure is not told twice.
    expect(failureWarning(first, pass(first))).toBeUndefined();
  });

  it('is emitted again when the spec changes and the failure remains', () => {
    const first = pass({});
    expect(failureWarning(first, pass(first, 2))).toMatchObject({ reason: 'SecretNotFound' });
  });

  it('is emitted for an error thrown while acting, which decide never saw', () => {
    const failed = composeStatus(
      {},
      undefined,
      {},
      { reason: 'Unauthorized', message: 'refused', terminal: true, retryAfterMs: undefined },
      1,
      NOW,
      (t) => t,
    );
    expect(failureWarning({}, failed)).toEqual({ reason: 'Unauthorized', message: 'refused' });
  });

  it('is not emitted while Synced is True', () => {
    const ok = composeStatus(
      {},
      {
        status: {},
        ready: { status: 'True', reason: 'Available', message: '' },
        synced: { status: 'True', reason: 'ReconcileSuccess', message: '' },
      },
      {},
      undefined,
      1,
      NOW,
      (t) => t,
    );
    expect(failureWarning({}, ok)).toBeUndefined();
  });
});
