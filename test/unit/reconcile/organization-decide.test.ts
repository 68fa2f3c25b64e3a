import { describe, expect, it } from 'vitest';
import type { OrganizationStatus } from '../../../src/api/index.ts';
import { decideOrganization, type OrganizationDecision, type OrganizationObservation } from '../../../src/reconcile/organization-decide.ts';

const NOW = Date.parse('2026-11-24T10:00:00Z');
const READY: OrganizationStatus = {
  observedGeneration: 1,
  organizationId: 'org-1',
  organizationName: 'Acme',
  inUseBy: [],
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: 'Connected',
      message: 'Connected',
      lastTransitionTime: '2026-11-24T09:00:00Z',
      observedGeneration: 1,
    },
  ],
};
const USAGE = [{ type: 'Zendesk', integrationTypeId: 'zendesk-data-actions', used: 2, maxInstances: 10 }];

function observe(over: Partial<OrganizationObservation>): OrganizationObservation {
  return {
    now: NOW,
    generation: 1,
    deleting: false,
    hasFinalizer: true,
    users: [],
    status: {},
    platform: { kind: 'read', id: 'org-1', name: 'Acme', usage: USAGE },
    ...over,
  };
}

const ready = (d: OrganizationDecision): string | undefined => {
  const c = d.status?.conditions?.find((x) => x.type === 'Ready');
  return c === undefined ? undefined : `${c.status} ${c.reason}`;
};

interface Scenario {
  readonly name: string;
  readonly reason: string;
  readonly obs: OrganizationObservation;
  readonly actions: string[];
  readonly ready: string | undefined;
  readonly events: string[];
  readonly next: OrganizationDecision['next'] | 'failure';
}

const failure = (terminal: boolean) =>
  ({
    kind: 'failed',
    verdict: { reason: terminal ? 'Unauthorized' : 'PlatformError', message: 'no', terminal, retryAfterMs: undefined },
  }) as const;

const scenarios: Scenario[] = [
  {
    name: 'a first connect adds the finalizer and says Connected once',
    reason: 'integrations wait for Ready, and the finalizer must be there before any integration relies on the organization',
    obs: observe({ hasFinalizer: false }),
    actions: ['addFinalizer'],
    ready: 'True Connected',
    events: ['Normal Connected'],
    next: 'resync',
  },
  {
    name: 'a read of a Ready organization records no Event',
    reason: 'Connected is told once per change, not at every resync',
    obs: observe({ status: READY }),
    actions: [],
    ready: 'True Connected',
    events: [],
    next: 'resync',
  },
  {
    name: 'a recent read only updates who uses it',
    reason: 'an integration coming or going wakes the organization, which is no reason to call the platform',
    obs: observe({ status: READY, users: ['a'], platform: { kind: 'recent', nextReadInMs: 120_000 } }),
    actions: [],
    ready: 'True Connected',
    events: [],
    next: { afterMs: 120_000 },
  },
  {
    name: 'an invalid spec says so and is not retried',
    reason: 'only a change of the object can fix it, and that change wakes it',
    obs: observe({ platform: { kind: 'invalidSpec' } }),
    actions: [],
    ready: 'False InvalidSpec',
    events: [],
    next: 'done',
  },
  {
    name: 'a refused session warns and waits for the resync',
    reason: 'a missing OAuth Secret needs a person; the Secret coming back wakes the organization anyway',
    obs: observe({ platform: { kind: 'refused', reason: 'SecretNotFound', message: 'Secret "x" was not found' } }),
    actions: [],
    ready: 'False SecretNotFound',
    events: ['Warning SecretNotFound'],
    next: 'resync',
  },
  {
    name: 'a passing failure leaves a Ready organization Ready',
    reason: 'flipping Ready for a blip would stop every integration of the organization',
    obs: observe({ status: READY, platform: failure(false) }),
    actions: [],
    ready: undefined,
    events: ['Warning PlatformError'],
    next: 'failure',
  },
  {
    name: 'a terminal failure makes a Ready organization not Ready',
    reason: 'a refused OAuth client will not come back on its own',
    obs: observe({ status: READY, platform: failure(true) }),
    actions: [],
    ready: 'False Unauthorized',
    events: ['Warning Unauthorized'],
    next: 'failure',
  },
  {
    name: 'a deletion while integrations use it holds the finalizer',
    reason: 'releasing it would leave those integrations no way to the platform to delete theirs',
    obs: observe({ deleting: true, users: ['a', 'b'], platform: { kind: 'skipped' } }),
    actions: [],
    ready: undefined,
    events: ['Warning InUse'],
    next: { afterMs: 5_000 },
  },
  {
    name: 'a deletion nothing uses releases it and forgets its session',
    reason: 'nothing depends on it any more, and its token must not outlive it',
    obs: observe({ deleting: true, platform: { kind: 'skipped' } }),
    actions: ['removeFinalizer', 'forgetSession'],
    ready: undefined,
    events: [],
    next: 'done',
  },
  {
    name: 'a deletion without the finalizer does nothing',
    reason: 'the organization was already released',
    obs: observe({ deleting: true, hasFinalizer: false, platform: { kind: 'skipped' } }),
    actions: [],
    ready: undefined,
    events: [],
    next: 'done',
  },
];

describe('decideOrganization', () => {
  it.each(scenarios)('$name: $reason', ({ obs, actions, ready: wantReady, events, next }) => {
    const decision = decideOrganization(obs);
    expect(decision.actions.map((a) => a.type)).toEqual(actions);
    expect(ready(decision)).toBe(wantReady);
    expect(decision.events.map((e) => `${e.type} ${e.reason}`)).toEqual(events);
    if (next === 'failure') expect(decision.next).toHaveProperty('failure');
    else expect(decision.next).toEqual(next);
  });

  it('reports the usage it read and who uses the organization', () => {
    const decision = decideOrganization(observe({ users: ['a'] }));
    expect(decision.status).toMatchObject({ organizationId: 'org-1', organizationName: 'Acme', usage: USAGE, inUseBy: ['a'] });
  });
});
