// How urgent a piece of work is: the one definition behind the work queue's lanes (src/kube/work-queue.ts)
// and the order in which an organization's request budget serves its waiters (src/platform/budget.ts).
// Issue 13, "user changes first": a change someone made waits for nothing but other changes; work already
// started is finished before new work starts; the periodic drift check takes what is left.
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The lanes, most urgent first:
 * - `change`: someone changed the resource or what it uses: its spec, annotations, finalizers, its
 *   deletion, the data of its Secret. Such a resource already exists, so its change costs a few calls.
 * - `followUp`: work in progress looks again shortly: a poll until the platform reports the state asked
 *   for, a write that lost a race, a Retry-After, the retry of a failed first look.
 * - `new`: a resource applied while the operator runs, or one its organization's change concerns. A new
 *   resource needs about three reconciles, so it goes after the follow-ups of resources already started.
 * - `initial`: a resource from the listing at start-up, not looked at yet (most are already in sync).
 * - `resync`: the periodic comparison with the platform that reverts drift.
 */
export const PRIORITIES = ['change', 'followUp', 'new', 'initial', 'resync'] as const;

export type Priority = (typeof PRIORITIES)[number];

/** 0 for the most urgent lane. */
export function rankOf(priority: Priority): number {
  return PRIORITIES.indexOf(priority);
}

export function moreUrgent(a: Priority, b: Priority): Priority {
  return rankOf(a) <= rankOf(b) ? a : b;
}

/** The lane of a short requeue a reconcile asked for: a change stays a change, anything else is now work in progress. */
export function followUpOf(priority: Priority): Priority {
  return moreUrgent(priority, 'followUp');
}

/**
 * The lane of the retry of a failed reconcile: a failed first look is work in progress, anything else
 * keeps its lane (a drift check failing while the platform is down must not crowd out new resources).
 */
export function retryOf(priority: Priority): Priority {
  return priority === 'new' || priority === 'initial' ? 'followUp' : priority;
}

const current = new AsyncLocalStorage<Priority>();

/**
 * Runs `work` at `priority`: every platform call it makes, however deep, waits for the request budget at
 * that priority (AsyncLocalStorage follows the promises it starts).
 */
export function withPriority<T>(priority: Priority, work: () => T): T {
  return current.run(priority, work);
}

/** The priority of the work running now; work outside any reconcile (start-up, export) is served as a change. */
export function currentPriority(): Priority {
  return current.getStore() ?? 'change';
}
