import { describe, expect, it } from 'vitest';
import { WorkQueue, runWorkers, type QueueHooks } from '../../../src/kube/work-queue.ts';
import { createControllerRateLimiter, ItemExponentialBackoff } from '../../../src/kube/rate-limiter.ts';
import { FakeClock, settle } from './fake-clock.ts';

function newQueue(hooks: QueueHooks = {}): { clock: FakeClock; queue: WorkQueue } {
  const clock = new FakeClock();
  const queue = new WorkQueue({
    clock,
    backoff: { baseDelayMs: 500, maxDelayMs: 5 * 60_000, jitter: 0 },
    bucket: { qps: 10, burst: 100 },
    hooks,
  });
  return { clock, queue };
}

async function drainKeys(queue: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (queue.len() > 0) {
    const key = await queue.get();
    if (key === undefined) break;
    keys.push(key);
    queue.done(key);
  }
  return keys;
}

describe('WorkQueue', () => {
  it('processes a key added many times while queued once, in first-added order', async () => {
    const { queue } = newQueue();
    for (const key of ['ns/a', 'ns/b', 'ns/a', 'ns/a', 'ns/c', 'ns/b']) queue.add(key);

    expect(queue.len()).toBe(3);
    expect(await drainKeys(queue)).toEqual(['ns/a', 'ns/b', 'ns/c']);
  });

  it('holds back a key added while it is processed until the worker is done with it', async () => {
    const { queue } = newQueue();
    queue.add('ns/a');
    const key = await queue.get();
    queue.add('ns/a');
    queue.add('ns/a');

    expect(queue.len()).toBe(0);
    queue.done(key!);
    expect(queue.len()).toBe(1);
    expect(await drainKeys(queue)).toEqual(['ns/a']);
  });

  it('hands a key to a worker that was already waiting', async () => {
    const { queue } = newQueue();
    const waiting = queue.get();
    queue.add('ns/a');
    expect(await waiting).toBe('ns/a');
  });

  it('never lets two workers process one key at once, and processes every change', async () => {
    const { queue } = newQueue();
    const running = new Set<string>();
    let overlaps = 0;
    const processed: string[] = [];
    const releases: Array<() => void> = [];
    const workers = runWorkers(queue, 4, async (key) => {
      if (running.has(key)) overlaps++;
      running.add(key);
      await new Promise<void>((resolve) => releases.push(resolve));
      running.delete(key);
      processed.push(key);
    });

    queue.add('ns/a');
    queue.add('ns/b');
    await settle();
    queue.add('ns/a'); // a change arrives while ns/a is processed
    queue.add('ns/a');
    await settle();
    expect(running).toEqual(new Set(['ns/a', 'ns/b']));

    while (releases.length > 0) {
      for (const release of releases.splice(0)) release();
      await settle();
    }
    await queue.drain();
    await workers;

    expect(overlaps).toBe(0);
    expect(processed.sort()).toEqual(['ns/a', 'ns/a', 'ns/b']);
  });

  it('coalesces delayed adds of one key to the earliest due time', async () => {
    const { clock, queue } = newQueue();
    queue.addAfter('ns/a', 1_000);
    queue.addAfter('ns/a', 300);
    queue.addAfter('ns/a', 2_000);

    clock.advance(299);
    expect(queue.len()).toBe(0);
    clock.advance(1);
    expect(await drainKeys(queue)).toEqual(['ns/a']);

    clock.advance(5_000);
    expect(queue.len()).toBe(0);
  });

  it('releases delayed keys in due order', async () => {
    const { clock, queue } = newQueue();
    queue.addAfter('ns/late', 900);
    queue.addAfter('ns/early', 100);
    queue.addAfter('ns/middle', 500);

    clock.advance(1_000);
    expect(await drainKeys(queue)).toEqual(['ns/early', 'ns/middle', 'ns/late']);
  });

  it('adds at once when the delay is not positive', () => {
    const { queue } = newQueue();
    queue.addAfter('ns/a', 0);
    expect(queue.len()).toBe(1);
  });

  it('backs a failing key off exponentially and starts over after forget', async () => {
    const { clock, queue } = newQueue();
    const observedDelays: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const before = clock.now();
      queue.addRateLimited('ns/a');
      while (queue.len() === 0) clock.advance(1);
      observedDelays.push(clock.now() - before);
      await drainKeys(queue);
    }
    expect(observedDelays).toEqual([500, 1_000, 2_000, 4_000]);
    expect(queue.numRequeues('ns/a')).toBe(4);

    queue.forget('ns/a');
    const before = clock.now();
    queue.addRateLimited('ns/a');
    while (queue.len() === 0) clock.advance(1);
    expect(clock.now() - before).toBe(500);
  });

  it('keeps one key’s backoff away from other keys', () => {
    const { clock, queue } = newQueue();
    queue.addRateLimited('ns/a');
    queue.addRateLimited('ns/a');
    queue.addRateLimited('ns/b');
    clock.advance(500);
    expect(queue.len()).toBe(2); // ns/a's first delay and ns/b's first delay coalesce with the earliest
    expect(queue.numRequeues('ns/b')).toBe(1);
  });

  it('stops handing out keys after shutdown once the queue is empty, and ignores later adds', async () => {
    const { clock, queue } = newQueue();
    const idle = queue.get();
    queue.add('ns/a');
    expect(await idle).toBe('ns/a');
    queue.add('ns/b');
    queue.addAfter('ns/c', 100);
    const parked = [queue.get(), queue.get()];

    queue.shutDown();
    queue.add('ns/d');
    clock.advance(1_000);

    expect(await Promise.all(parked)).toEqual(['ns/b', undefined]);
    expect(await queue.get()).toBeUndefined();
    expect(queue.len()).toBe(0);
  });

  it('stops at once on shutDownNow: queued and delayed keys are dropped, the key in progress ends and is not queued again', async () => {
    const { clock, queue } = newQueue();
    queue.add('ns/a');
    const inFlight = await queue.get();
    queue.add('ns/b');
    queue.add('ns/c');
    queue.add('ns/a'); // changed again while processed: would be queued again on done
    queue.addAfter('ns/d', 100);

    queue.shutDownNow();
    let drained = false;
    const draining = queue.drain().then(() => {
      drained = true;
    });
    clock.advance(1_000);
    await settle();

    expect(queue.len()).toBe(0);
    expect(await queue.get()).toBeUndefined();
    expect(drained).toBe(false);
    queue.done(inFlight!);
    await draining;
    expect(await queue.get()).toBeUndefined();
  });

  it('drains: resolves only when in-flight work is done', async () => {
    const { queue } = newQueue();
    queue.add('ns/a');
    const key = await queue.get();
    let drained = false;
    const draining = queue.drain().then(() => {
      drained = true;
    });
    await settle();
    expect(drained).toBe(false);

    queue.done(key!);
    await draining;
    expect(drained).toBe(true);
  });

  it('reports depth, adds, time in queue and time in work through its hooks', async () => {
    const events: string[] = [];
    const { clock, queue } = newQueue({
      onAdd: (key) => events.push(`add ${key}`),
      onDepth: (depth) => events.push(`depth ${depth}`),
      onGet: (key, waitedMs) => events.push(`get ${key} after ${waitedMs}`),
      onDone: (key, workedMs) => events.push(`done ${key} after ${workedMs}`),
      onRetry: (key) => events.push(`retry ${key}`),
    });
    queue.add('ns/a');
    queue.add('ns/a');
    clock.advance(40);
    const key = await queue.get();
    clock.advance(250);
    expect(queue.longestRunningProcessorSeconds()).toBe(0.25);
    expect(queue.unfinishedWorkSeconds()).toBe(0.25);
    queue.done(key!);
    queue.addRateLimited('ns/a');

    expect(events).toEqual(['add ns/a', 'depth 1', 'depth 0', 'get ns/a after 40', 'done ns/a after 250', 'retry ns/a']);
  });
});

describe('rate limiting', () => {
  it.each([
    { failures: 1, delay: 500 },
    { failures: 2, delay: 1_000 },
    { failures: 5, delay: 8_000 },
    { failures: 10, delay: 256_000 },
    { failures: 11, delay: 300_000 },
    { failures: 60, delay: 300_000 },
  ])('waits $delay ms after failure $failures', ({ failures, delay }) => {
    const backoff = new ItemExponentialBackoff({ baseDelayMs: 500, maxDelayMs: 300_000, jitter: 0 });
    let last = 0;
    for (let i = 0; i < failures; i++) last = backoff.when('ns/a');
    expect(last).toBe(delay);
  });

  it('spreads retries with jitter but never beyond the maximum', () => {
    const randoms = [0, 0.5, 0.999];
    const delays = randoms.map((value) =>
      new ItemExponentialBackoff({ baseDelayMs: 1_000, maxDelayMs: 1_050, jitter: 0.1, random: () => value }).when('k'),
    );
    expect(delays[0]).toBe(1_000);
    expect(delays[1]).toBe(1_050);
    expect(delays[2]).toBe(1_050);
    const unclamped = new ItemExponentialBackoff({ baseDelayMs: 1_000, maxDelayMs: 60_000, jitter: 0.1, random: () => 0.5 });
    expect(unclamped.when('k')).toBe(1_050);
  });

  it('limits retries of many keys to the overall rate once the burst is spent', () => {
    const clock = new FakeClock();
    const limiter = createControllerRateLimiter(clock, { baseDelayMs: 1, maxDelayMs: 1_000, jitter: 0 }, { qps: 10, burst: 2 });
    const delays = ['a', 'b', 'c', 'd', 'e'].map((key) => limiter.when(key));
    expect(delays).toEqual([1, 1, 100, 200, 300]);

    clock.advance(10_000); // the bucket refills, up to its burst
    expect(['f', 'g', 'h'].map((key) => limiter.when(key))).toEqual([1, 1, 100]);
  });
});

describe('runWorkers', () => {
  it('retries a failing key with backoff, then resets its backoff when it succeeds', async () => {
    const { clock, queue } = newQueue();
    const attempts: number[] = [];
    let failuresLeft = 2;
    const errors: string[] = [];
    const workers = runWorkers(
      queue,
      2,
      async () => {
        attempts.push(clock.now());
        if (failuresLeft-- > 0) throw new Error('platform unavailable');
        return Promise.resolve();
      },
      { onError: (key, error, _ms, retries) => errors.push(`${key}: ${(error as Error).message} (${retries})`) },
    );
    const start = clock.now();
    queue.add('ns/a');
    await settle();
    clock.advance(500);
    await settle();
    clock.advance(1_000);
    await settle();

    expect(attempts.map((at) => at - start)).toEqual([0, 500, 1_500]);
    expect(errors).toEqual(['ns/a: platform unavailable (1)', 'ns/a: platform unavailable (2)']);
    expect(queue.numRequeues('ns/a')).toBe(0);
    await queue.drain();
    await workers;
  });

  it('processes a key again after the requeue delay its handler asked for', async () => {
    const { clock, queue } = newQueue();
    let runs = 0;
    const workers = runWorkers(queue, 1, () => {
      runs++;
      return Promise.resolve({ requeueAfterMs: 60_000 });
    });
    queue.add('ns/a');
    await settle();
    clock.advance(59_999);
    await settle();
    expect(runs).toBe(1);
    clock.advance(1);
    await settle();
    expect(runs).toBe(2);
    await queue.drain();
    await workers;
  });
});
