// The work queue's lanes (src/lib/priority.ts): user changes first, started work before new work, the
// resync last; one entry per key whatever lanes it is added to; and workers that carry the lane into the
// reconcile and its requeues.
import { describe, expect, it } from 'vitest';
import { currentPriority, type Priority } from '../../../src/lib/priority.ts';
import { resyncPhaseMs } from '../../../src/kube/resync-schedule.ts';
import { runWorkers, WorkQueue, type HandlerResult, type WorkerHooks } from '../../../src/kube/work-queue.ts';
import { FakeClock, settle } from './fake-clock.ts';

function newQueue(): { clock: FakeClock; queue: WorkQueue } {
  const clock = new FakeClock();
  return { clock, queue: new WorkQueue({ clock, backoff: { baseDelayMs: 500, maxDelayMs: 60_000, jitter: 0 } }) };
}

/** Hands out every queued key, finishing each at once, as `key lane`. */
async function drain(queue: WorkQueue): Promise<string[]> {
  const out: string[] = [];
  while (queue.len() > 0) {
    const taken = await queue.next();
    if (taken === undefined) break;
    out.push(`${taken.key} ${taken.priority}`);
    queue.done(taken.key);
  }
  return out;
}

/**
 * Steps: `add <key> <lane>`, `after <key> <ms> <lane>`, `take <key>` (a worker takes the next key, which
 * must be <key>, and keeps it), `done <key>`, `advance <ms>`.
 */
async function play(queue: WorkQueue, clock: FakeClock, steps: readonly string[]): Promise<void> {
  for (const step of steps) {
    const [op, key, a, b] = step.split(' ');
    if (op === 'add') queue.add(key!, a as Priority);
    else if (op === 'after') queue.addAfter(key!, Number(a), b as Priority);
    else if (op === 'take') expect((await queue.next())?.key).toBe(key);
    else if (op === 'done') queue.done(key!);
    else if (op === 'advance') clock.advance(Number(key));
    else throw new Error(`unknown step ${step}`);
  }
}

describe('WorkQueue lanes', () => {
  it.each([
    {
      scenario: 'a change goes ahead of the resyncs queued before it',
      steps: ['add ns/r1 resync', 'add ns/r2 resync', 'add ns/c change'],
      order: ['ns/c change', 'ns/r1 resync', 'ns/r2 resync'],
    },
    {
      scenario: 'follow-ups of started work go before untouched keys from the initial listing, which go before resyncs',
      steps: ['add ns/r resync', 'add ns/i1 initial', 'add ns/i2 initial', 'add ns/f followUp'],
      order: ['ns/f followUp', 'ns/i1 initial', 'ns/i2 initial', 'ns/r resync'],
    },
    {
      scenario: 'a resource applied while the operator runs goes after follow-ups and before the initial listing',
      steps: ['add ns/i initial', 'add ns/n new', 'add ns/f followUp'],
      order: ['ns/f followUp', 'ns/n new', 'ns/i initial'],
    },
    {
      scenario: 'keys of one lane keep their order',
      steps: ['add ns/c change', 'add ns/a change', 'add ns/b change'],
      order: ['ns/c change', 'ns/a change', 'ns/b change'],
    },
    {
      scenario: 'a key queued as a resync that gets a change moves up, and is handed out once',
      steps: ['add ns/a resync', 'add ns/b resync', 'add ns/b change', 'add ns/b resync'],
      order: ['ns/b change', 'ns/a resync'],
    },
    {
      scenario: 'a less urgent add never moves a key down',
      steps: ['add ns/a change', 'add ns/b change', 'add ns/a resync'],
      order: ['ns/a change', 'ns/b change'],
    },
    {
      scenario: 'a key moved up twice is still handed out once',
      steps: ['add ns/a resync', 'add ns/a initial', 'add ns/a change', 'add ns/b followUp'],
      order: ['ns/a change', 'ns/b followUp'],
    },
    {
      scenario: 'a key changed while a worker has it is queued once more, in the most urgent lane it was added to',
      steps: ['add ns/a resync', 'take ns/a', 'add ns/a resync', 'add ns/a change', 'add ns/b followUp', 'done ns/a'],
      order: ['ns/a change', 'ns/b followUp'],
    },
    {
      scenario: 'delayed adds of one key coalesce to the earliest due time and the most urgent lane',
      steps: ['after ns/a 1000 resync', 'after ns/a 300 followUp', 'after ns/a 500 change', 'add ns/b followUp', 'advance 300'],
      order: ['ns/a change', 'ns/b followUp'],
    },
    {
      scenario: 'a delayed key that comes due while queued in a less urgent lane moves up',
      steps: ['add ns/a resync', 'add ns/b initial', 'after ns/a 100 followUp', 'advance 100'],
      order: ['ns/a followUp', 'ns/b initial'],
    },
  ])('$scenario', async ({ steps, order }) => {
    const { clock, queue } = newQueue();
    await play(queue, clock, steps);
    expect(await drain(queue)).toEqual(order);
    expect(queue.len()).toBe(0);
  });

  it('counts the keys waiting in each lane, each key once', () => {
    const { queue } = newQueue();
    for (const key of ['a', 'b', 'c']) queue.add(`ns/${key}`, 'resync');
    queue.add('ns/b', 'change');
    queue.add('ns/d', 'initial');
    expect(queue.len()).toBe(4);
    expect(queue.lengths()).toEqual({ change: 1, followUp: 0, new: 0, initial: 1, resync: 2 });
  });

  it('reports how long the oldest queued resync has waited', async () => {
    const { clock, queue } = newQueue();
    expect(queue.resyncLagSeconds()).toBe(0);
    queue.add('ns/a', 'resync');
    clock.advance(2_000);
    queue.add('ns/b', 'resync');
    clock.advance(1_000);
    expect(queue.resyncLagSeconds()).toBe(3);
    queue.add('ns/a', 'change'); // moved up: no longer a waiting resync
    expect(queue.resyncLagSeconds()).toBe(1);
    await drain(queue);
    expect(queue.resyncLagSeconds()).toBe(0);
  });
});

/** Runs one worker over `queue` with `handle` for `forMs` of fake time (in 100 ms steps), then stops it. */
async function runFor(
  clock: FakeClock,
  queue: WorkQueue,
  handle: (key: string) => HandlerResult | void,
  forMs: number,
  hooks: WorkerHooks = {},
): Promise<void> {
  const workers = runWorkers(queue, 1, (key) => Promise.resolve(handle(key)), hooks);
  for (let t = 0; t < forMs; t += 100) {
    await settle();
    clock.advance(100);
  }
  await settle();
  await queue.drain();
  await workers;
}

describe('runWorkers with lanes', () => {
  it.each([
    { scenario: 'a follow-up of a change stays a change', lane: 'change', result: { requeueAfterMs: 100 }, next: 'change' },
    { scenario: 'a follow-up of a first look is work in progress', lane: 'initial', result: { requeueAfterMs: 100 }, next: 'followUp' },
    { scenario: 'a follow-up found by a resync is work in progress', lane: 'resync', result: { requeueAfterMs: 100 }, next: 'followUp' },
    { scenario: 'a resync after a change is a resync', lane: 'change', result: { resyncPeriodMs: 1_000 }, next: 'resync' },
    { scenario: 'a failed first look retries as work in progress', lane: 'new', result: 'throw', next: 'followUp' },
    { scenario: 'a failed change retries as a change', lane: 'change', result: 'throw', next: 'change' },
    { scenario: 'a failed resync retries as a resync, never ahead of new work', lane: 'resync', result: 'throw', next: 'resync' },
  ] as const)('$scenario', async ({ lane, result, next }) => {
    const { clock, queue } = newQueue();
    const seen: Priority[] = [];
    queue.add('ns/a', lane);
    await runFor(
      clock,
      queue,
      () => {
        // The reconcile runs at its lane's priority: what the request budget reads.
        seen.push(currentPriority());
        if (seen.length > 1) return undefined;
        if (result === 'throw') throw new Error('platform unavailable');
        return result;
      },
      2_000,
    );
    expect(seen).toEqual([lane, next]);
  });

  it('at a cold start, a started resource finishes before untouched ones start (about 3 reconciles each)', async () => {
    const { clock, queue } = newQueue();
    const reconciles = new Map<string, number>();
    const log: string[] = [];
    for (const name of ['a', 'b', 'c', 'd']) queue.add(`ns/${name}`, 'initial');
    await runFor(
      clock,
      queue,
      (key) => {
        const n = (reconciles.get(key) ?? 0) + 1;
        reconciles.set(key, n);
        log.push(`${key}#${n}`);
        // create, then poll for ACTIVE, then Ready (and the resync, far away)
        return n < 3 ? { requeueAfterMs: 0 } : { resyncPeriodMs: 3_600_000 };
      },
      100,
    );
    // FIFO would have been a#1 b#1 c#1 d#1 a#2 ...: the first resource Ready only after 2N+1 reconciles.
    expect(log).toEqual([
      'ns/a#1',
      'ns/a#2',
      'ns/a#3',
      'ns/b#1',
      'ns/b#2',
      'ns/b#3',
      'ns/c#1',
      'ns/c#2',
      'ns/c#3',
      'ns/d#1',
      'ns/d#2',
      'ns/d#3',
    ]);
  });

  it('brings a key asking for a resync back at its own slot of the period, once a period, in the resync lane', async () => {
    const { clock, queue } = newQueue();
    const runs: Array<{ at: number; lane: Priority }> = [];
    queue.add('ns/a', 'change');
    await runFor(
      clock,
      queue,
      () => {
        runs.push({ at: clock.now(), lane: currentPriority() });
        return { resyncPeriodMs: 10_000 };
      },
      25_000,
    );
    const [first, second, third] = runs;
    expect(runs.map((r) => r.lane)).toEqual(['change', 'resync', 'resync']);
    const slot = (second!.at - resyncPhaseMs('ns/a', 10_000)) % 10_000;
    expect(slot).toBeGreaterThanOrEqual(0);
    expect(slot).toBeLessThan(100); // the worker runs at the end of the 100 ms step the slot falls in
    expect(second!.at - first!.at).toBeLessThanOrEqual(11_000);
    expect(third!.at - second!.at).toBe(10_000);
  });

  it.each([
    { scenario: 'a resync that started within its period is on time', waitedMs: 9_000, deferred: [] },
    { scenario: 'a resync that waited more than its whole period is reported deferred', waitedMs: 25_000, deferred: ['ns/a 25000'] },
  ])('$scenario', async ({ waitedMs, deferred }) => {
    const { clock, queue } = newQueue();
    const reported: string[] = [];
    queue.add('ns/a', 'resync');
    clock.advance(waitedMs); // the resync lane was backlogged this long
    await runFor(clock, queue, () => ({ resyncPeriodMs: 10_000 }), 0, {
      onResyncDeferred: (key, lateMs) => reported.push(`${key} ${lateMs}`),
    });
    expect(reported).toEqual(deferred);
  });
});

describe('the worker kept for changes', () => {
  /** One worker for every lane and one for changes; `ns/slow` holds its worker until released. */
  async function busy(): Promise<{ queue: WorkQueue; started: string[]; release: () => Promise<void> }> {
    const { queue } = newQueue();
    const started: string[] = [];
    let releaseSlow = (): void => undefined;
    const slow = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    const workers = runWorkers(
      queue,
      1,
      async (key) => {
        started.push(`${key} ${currentPriority()}`);
        if (key === 'ns/slow') await slow;
      },
      {},
      1,
    );
    queue.add('ns/slow', 'initial');
    await settle();
    return {
      queue,
      started,
      release: async () => {
        releaseSlow();
        await settle();
        await queue.drain();
        await workers;
      },
    };
  }

  it.each([
    {
      scenario: 'a change starts while every other worker is busy',
      steps: ['add ns/rotated change'],
      during: ['ns/rotated change'],
      reconciles: 2,
    },
    { scenario: 'it takes nothing but changes', steps: ['add ns/other new', 'add ns/drift resync'], during: [], reconciles: 3 },
    {
      scenario: 'a queued key that a change moves up starts at once',
      steps: ['add ns/a resync', 'add ns/a change'],
      during: ['ns/a change'],
      reconciles: 2,
    },
  ])('$scenario', async ({ steps, during, reconciles }) => {
    const { queue, started, release } = await busy();
    for (const step of steps) {
      const [, key, lane] = step.split(' ');
      queue.add(key!, lane as Priority);
    }
    await settle();
    expect(started).toEqual(['ns/slow initial', ...during]);
    await release();
    expect(started.length).toBe(reconciles); // and everything else runs once the busy worker is free
  });
});
