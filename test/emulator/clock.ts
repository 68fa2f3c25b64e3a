// The emulator's sense of time. Everything time-based (token expiry, rate windows, state transitions,
// eventual consistency) reads this clock, so a test can move time forward instead of sleeping.
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
