import { describe, expect, it } from 'vitest';
import { withPriority, type Priority } from '../../../src/lib/priority.ts';
import { RequestBudget } from '../../../src/platform/budget.ts';
import { fakeClock } from './loopback.ts';

describe('RequestBudget', () => {
  it.each([
    { calls: 600, perMinute: 300 },
    { calls: 120, perMinute: 60 },
    { calls: 1000, perMinute: 1000 },
  ])('spends $calls slots at $perMinute per minute in about $calls/$perMinute minutes', async ({ calls, perMinute }) => {
    const clock = fakeClock();
    const budget = new RequestBudget({ requestsPerMinute: perMinute, clock });
    const start = clock.now();
    await Promise.all(Array.from({ length: calls }, () => budget.acquire()));
    const elapsedMinutes = (clock.now() - start) / 60_000;
    const expected = calls / perMinute;
    // The initial burst (one second's worth) is free; nothing else is.
    expect(elapsedMinutes).toBeGreaterThan(expected - 1 / 60 - 0.001);
    expect(elapsedMinutes).toBeLessThanOrEqual(expected + 0.01);
  });

  it('lets the first burst through without waiting', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget({ requestsPerMinute: 300, clock });
    const waits = await Promise.all(Array.from({ length: 5 }, () => budget.acquire()));
    expect(waits).toEqual([0, 0, 0, 0, 0]);
    expect(await budget.acquire()).toBeGreaterThan(0);
  });

  it('serves waiters in the order they came', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget({ requestsPerMinute: 60, burst: 1, clock });
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map(async (n) => budget.acquire().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it.each([
    {
      scenario: 'a change is served before drift checks that waited longer',
      calls: ['resync r1', 'resync r2', 'resync r3', 'change c'],
      order: ['r1', 'c', 'r2', 'r3'],
    },
    {
      scenario: 'work in progress goes before new resources, which go before the initial listing and resyncs',
      calls: ['resync r', 'initial i', 'new n', 'followUp f', 'resync r2'],
      order: ['r', 'f', 'n', 'i', 'r2'],
    },
    {
      scenario: 'calls of one priority keep their order',
      calls: ['change a', 'change b', 'change c'],
      order: ['a', 'b', 'c'],
    },
  ])('$scenario (the first call takes the one free slot)', async ({ calls, order }) => {
    const clock = fakeClock();
    const budget = new RequestBudget({ requestsPerMinute: 60, burst: 1, clock });
    const served: string[] = [];
    await Promise.all(
      calls.map(async (call) => {
        const [priority, name] = call.split(' ');
        await budget.acquire(priority as Priority);
        served.push(name!);
      }),
    );
    expect(served).toEqual(order);
  });

  it('takes the priority of the reconcile making the call from its async context', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget({ requestsPerMinute: 60, burst: 1, clock });
    const served: string[] = [];
    const call = (priority: Priority, name: string): Promise<void> =>
      withPriority(priority, async () => {
        await Promise.resolve(); // deeper in the reconcile, after an await
        await budget.acquire();
        served.push(name);
      });
    await Promise.all([
      call('resync', 'drift check 1'),
      call('resync', 'drift check 2'),
      call('initial', 'create'),
      call('change', 'rotation'),
    ]);
    expect(served).toEqual(['drift check 1', 'rotation', 'create', 'drift check 2']);
  });

  it('keeps its rate whatever the priorities: 120 mixed calls at 60 a minute take two minutes', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget({ requestsPerMinute: 60, burst: 1, clock });
    const start = clock.now();
    const priorities: Priority[] = ['change', 'resync', 'new', 'followUp', 'initial'];
    await Promise.all(Array.from({ length: 120 }, (_, i) => budget.acquire(priorities[i % priorities.length])));
    expect((clock.now() - start) / 60_000).toBeCloseTo(119 / 60, 2);
  });

  it('serves the most urgent waiter first when a pause ends', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget({ requestsPerMinute: 6000, clock });
    budget.pause(10_000);
    const served: string[] = [];
    await Promise.all([
      budget.acquire('resync').then(() => served.push('drift check')),
      budget.acquire('change').then(() => served.push('rotation')),
    ]);
    expect(served).toEqual(['rotation', 'drift check']);
  });

  it('holds every slot until a pause ends, then restarts empty', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget({ requestsPerMinute: 6000, clock });
    budget.pause(30_000);
    const waited = await budget.acquire();
    expect(waited).toBeGreaterThanOrEqual(30_000);
    expect(waited).toBeLessThan(30_100);
  });

  it('keeps the longer of two pauses', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget({ requestsPerMinute: 6000, clock });
    budget.pause(20_000);
    budget.pause(5_000);
    expect(await budget.acquire()).toBeGreaterThanOrEqual(20_000);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new RequestBudget({ requestsPerMinute: 0, clock: fakeClock() })).toThrow(RangeError);
  });
});
