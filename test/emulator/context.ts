import type { Catalogue } from './catalogue.ts';
import type { Clock } from './clock.ts';
import type { Store } from './store.ts';

export interface Organization {
  readonly id: string;
  readonly name: string;
}

/** What the API handlers share. */
export interface EmulatorContext {
  readonly store: Store;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  readonly organization: Organization;
  /** ACTIVATING -> ACTIVE and DEACTIVATING -> INACTIVE take this long. */
  readonly stateTransitionMs: number;
}
