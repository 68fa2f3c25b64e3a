import { describe, expect, it } from 'vitest';
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
