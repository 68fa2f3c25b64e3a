// The platform client's view of the one clock (src/lib/clock.ts): it needs only the time and waits.
import type { Clock as SharedClock } from '../lib/clock.ts';

export type Clock = Pick<SharedClock, 'now' | 'sleep'>;
export { systemClock } from '../lib/clock.ts';
