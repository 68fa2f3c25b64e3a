import { setTimeout as delay } from 'node:timers/promises';

/** Time as the client sees it; tests swap in a fake one so waits cost nothing. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms) => {
    await delay(ms);
  },
};
