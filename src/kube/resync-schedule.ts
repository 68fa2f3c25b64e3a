// When a key's periodic resync comes. Each key has a slot of its own in the period, from a hash of the key,
// so resources that became Ready together still resync spread over the whole period (a random ±10% spread
// them over a tenth of it), and keys that a backlog bunched up return to their own slots afterwards.

/** No resync sooner than this share of the period after a look, so a key looked at just before its slot skips it. */
const MIN_GAP_SHARE = 0.1;

/** The key's offset in the period: FNV-1a (32 bits) of the key, scaled to the period. Stable across restarts. */
export function resyncPhaseMs(key: string, periodMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return Math.floor(((hash >>> 0) / 2 ** 32) * periodMs);
}

/**
 * Milliseconds from `nowMs` to the key's next slot (epoch time ≡ its phase, modulo the period) that is at
 * least a tenth of a period away: between 0.1 and 1.1 periods, the bounds the ±10% jitter had. A resync
 * that ran late skips the slots it missed instead of making them up in a burst.
 */
export function nextResyncDelayMs(key: string, periodMs: number, nowMs: number): number {
  const period = Math.max(1, Math.round(periodMs));
  const delay = (((resyncPhaseMs(key, period) - nowMs) % period) + period) % period;
  return delay < period * MIN_GAP_SHARE ? delay + period : delay;
}
