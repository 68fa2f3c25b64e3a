import { describe, expect, it } from 'vitest';
import { setCondition, type Condition } from '../../../src/api/index.ts';
import { mergePatchBetween, statusChanged } from '../../../src/kube/status-writer.ts';

const EARLIER = new Date('2025-03-01T10:00:00.000Z');
const LATER = new Date('2025-03-01T10:05:30.250Z');

const ready = (status: Condition['status'], reason: string, observedGeneration = 1): Omit<Condition, 'lastTransitionTime'> => ({
  type: 'Ready',
  status,
  reason,
  message: `Integration is ${reason}`,
  observedGeneration,
});

describe('setCondition', () => {
  it('stamps a new condition with the time it appeared, in metav1.Time format', () => {
    expect(setCondition([], ready('False', 'Creating'), EARLIER)).toEqual([
      { ...ready('False', 'Creating'), lastTransitionTime: '2025-03-01T10:00:00Z' },
    ]);
  });

  it.each([
    { change: 'reason and message', next: ready('False', 'Activating'), keeps: true },
    { change: 'observed generation', next: ready('False', 'Creating', 2), keeps: true },
    { change: 'status flip to True', next: ready('True', 'Available'), keeps: false },
    { change: 'status flip to Unknown', next: ready('Unknown', 'Creating'), keeps: false },
  ])('on a change of $change, keeps the transition time: $keeps', ({ next, keeps }) => {
    const before = setCondition([], ready('False', 'Creating'), EARLIER);
    const [after] = setCondition(before, next, LATER);
    expect(after).toEqual({ ...next, lastTransitionTime: keeps ? '2025-03-01T10:00:00Z' : '2025-03-01T10:05:30Z' });
  });

  it('keeps the other conditions and their order, and does not modify its input', () => {
    const synced = { type: 'Synced', status: 'True' as const, reason: 'Synced', message: '', lastTransitionTime: '2025-01-01T00:00:00Z' };
    const before: Condition[] = [{ ...ready('False', 'Creating'), lastTransitionTime: '2025-01-01T00:00:00Z' }, synced];
    const snapshot = structuredClone(before);

    const after = setCondition(before, ready('True', 'Available'), LATER);

    expect(after.map((condition) => condition.type)).toEqual(['Ready', 'Synced']);
    expect(after[1]).toEqual(synced);
    expect(before).toEqual(snapshot);
  });
});

describe('statusChanged', () => {
  const status = {
    observedGeneration: 3,
    integrationId: 'abc',
    conditions: [{ ...ready('True', 'Available'), lastTransitionTime: '2025-01-01T00:00:00Z' }],
  };

  it.each([
    {
      case: 'the same status with keys in another order',
      desired: { conditions: status.conditions, integrationId: 'abc', observedGeneration: 3 },
      changed: false,
    },
    { case: 'an undefined member that is absent on the server', desired: { ...status, credentialId: undefined }, changed: false },
    { case: 'a new member', desired: { ...status, credentialId: 'c-1' }, changed: true },
    { case: 'a removed member', desired: { observedGeneration: 3, conditions: status.conditions }, changed: true },
    {
      case: 'a changed condition message',
      desired: { ...status, conditions: [{ ...status.conditions[0]!, message: 'other' }] },
      changed: true,
    },
    { case: 'a number for a string', desired: { ...status, observedGeneration: '3' }, changed: true },
  ])('is $changed for $case', ({ desired, changed }) => {
    expect(statusChanged(status, desired)).toBe(changed);
  });
});

describe('mergePatchBetween', () => {
  it('sets changed members, nulls removed ones, patches nested objects and replaces arrays', () => {
    const current = { a: 1, gone: 'x', nested: { keep: 1, change: 1, drop: 1 }, list: [1, 2] };
    const desired = { a: 1, nested: { keep: 1, change: 2 }, list: [1], added: true };
    expect(mergePatchBetween(current, desired)).toEqual({
      gone: null,
      nested: { change: 2, drop: null },
      list: [1],
      added: true,
    });
  });
});
