// Resync slots: every key at a stable slot of its own, so resources that became Ready together resync
// spread over the whole period, and a late resync skips the slots it missed.
import { describe, expect, it } from 'vitest';
import { nextResyncDelayMs, resyncPhaseMs } from '../../../src/kube/resync-schedule.ts';

const PERIOD = 300_000;
const NOW = Date.parse('2026-11-29T12:00:00Z');
const keys = Array.from({ length: 5_000 }, (_, i) => `team-${i % 20}/integration-${i}`);

describe('resync schedule', () => {
  it('spreads keys that became Ready at the same moment over the whole period, not a tenth of it', () => {
    const tenths = Array.from({ length: 10 }, () => 0);
    for (const key of keys) tenths[Math.floor(((nextResyncDelayMs(key, PERIOD, NOW) - PERIOD * 0.1) / PERIOD) * 10)]!++;
    // About 500 a tenth, where a ±10% jitter put all 5,000 into the same tenth.
    for (const count of tenths) expect(count).toBeGreaterThan(400);
    for (const count of tenths) expect(count).toBeLessThan(600);
  });

  it.each([
    { scenario: 'a resync that ran on time comes back one period later', at: 0, next: PERIOD },
    { scenario: 'a look shortly after the slot waits for the next slot', at: 1_000, next: PERIOD - 1_000 },
    { scenario: 'a look just before the slot skips it (no resync sooner than a tenth of a period)', at: -1_000, next: PERIOD + 1_000 },
    { scenario: 'a resync that ran 2.5 periods late skips the slots it missed', at: 2.5 * PERIOD, next: PERIOD / 2 },
  ])('$scenario', ({ at, next }) => {
    const key = 'team-a/zendesk';
    const slot = NOW - ((NOW % PERIOD) - resyncPhaseMs(key, PERIOD)); // a slot of this key
    expect((slot - resyncPhaseMs(key, PERIOD)) % PERIOD).toBe(0);
    expect(nextResyncDelayMs(key, PERIOD, slot + at)).toBe(next);
  });

  it('keeps every key between a tenth of a period and 1.1 periods, the bounds the old jitter had', () => {
    for (const key of keys.slice(0, 500)) {
      for (const offset of [0, 1, 12_345, 299_999]) {
        const delay = nextResyncDelayMs(key, PERIOD, NOW + offset);
        expect(delay).toBeGreaterThanOrEqual(PERIOD * 0.1);
        expect(delay).toBeLessThan(PERIOD * 1.1);
      }
    }
  });

  it('derives a key’s slot from the key alone, so it is the same after a restart or on another replica', () => {
    // FNV-1a of the key, scaled to the period: fixed values, not a random draw.
    expect(resyncPhaseMs('team-a/zendesk', PERIOD)).toBe(38_835);
    expect(resyncPhaseMs('team-a/salesforce', PERIOD)).toBe(276_474);
  });
});
