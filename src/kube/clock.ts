// The kube runtime's view of the one clock (src/lib/clock.ts): it needs only the time and timers.
import type { Clock as SharedClock } from '../lib/clock.ts';

export type Clock = Pick<SharedClock, 'now' | 'schedule'>;
export { sleep, systemClock } from '../lib/clock.ts';
