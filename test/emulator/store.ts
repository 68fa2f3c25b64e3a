// What the emulated organization holds. Time-dependent facts (state transitions, delete visibility,
// list lag) are stored as timestamps and settled when read, so the emulator runs no timers.
import type { Clock } from './clock.ts';

export type ReportedStateCode = 'ACTIVE' | 'ACTIVATING' | 'INACTIVE' | 'DEACTIVATING' | 'ERROR';
export const REPORTED_STATE_CODES: readonly ReportedStateCode[] = ['ACTIVE', 'ACTIVATING', 'INACTIVE', 'DEACTIVATING', 'ERROR'];
export type IntendedState = 'ENABLED' | 'DISABLED';

export interface StoredIntegration {
  readonly id: string;
  readonly typeId: string;
  name: string;
  notes: string;
  version: number;
  properties: Record<string, unknown>;
  advanced: Record<string, unknown>;
  /** slot key -> credential id */
  credentials: Record<string, string>;
  intendedState: IntendedState;
  reportedState: ReportedStateCode;
  reportedStateUpdatedAt: number;
  /** A transition in progress: the state reached at `at`. */
  pendingState?: { code: ReportedStateCode; at: number };
  attributes: Record<string, string>;
  readonly createdAt: number;
  deletedAt?: number;
}

export interface StoredCredential {
  readonly id: string;
  name: string;
  typeName: string;
  fields: Record<string, string>;
  readonly createdAt: number;
  modifiedAt: number;
}

export interface StoredToken {
  readonly clientId: string;
  readonly issuedAt: number;
  expiresAt: number;
}

export interface StoreTiming {
  readonly deleteVisibleMs: number;
  readonly listLagMs: number;
}

export interface StateSnapshot {
  integrations: Array<Omit<StoredIntegration, 'pendingState'> & { pendingState?: { code: ReportedStateCode; at: string } }>;
  /** WITH their stored fields: test use only, never through the public API. */
  credentials: StoredCredential[];
  tokens: { issued: number; valid: number };
}

export class Store {
  readonly integrations = new Map<string, StoredIntegration>();
  readonly credentials = new Map<string, StoredCredential>();
  readonly tokens = new Map<string, StoredToken>();
  private readonly clock: Clock;
  private readonly timing: StoreTiming;

  constructor(clock: Clock, timing: StoreTiming) {
    this.clock = clock;
    this.timing = timing;
  }

  /** Integrations a GET by id can see: live ones, and deleted ones still within `deleteVisibleMs`. */
  visibleIntegration(id: string): StoredIntegration | undefined {
    this.purgeDeleted();
    const found = this.integrations.get(id);
    if (found !== undefined) this.settle(found);
    return found;
  }

  /** Integrations a write can touch: not deleted. */
  liveIntegration(id: string): StoredIntegration | undefined {
    const found = this.visibleIntegration(id);
    return found?.deletedAt === undefined ? found : undefined;
  }

  /** What list results show: visible integrations, minus those created within `listLagMs`. */
  listedIntegrations(): StoredIntegration[] {
    this.purgeDeleted();
    const cutoff = this.clock.now() - this.timing.listLagMs;
    return [...this.integrations.values()].filter((i) => i.createdAt <= cutoff).map((i) => this.settle(i));
  }

  liveIntegrations(): StoredIntegration[] {
    this.purgeDeleted();
    return [...this.integrations.values()].filter((i) => i.deletedAt === undefined).map((i) => this.settle(i));
  }

  markDeleted(integration: StoredIntegration): void {
    integration.deletedAt = this.clock.now();
    this.purgeDeleted();
  }

  /** Sets the reported state now, or starts a transition that completes after `transitionMs`. */
  transition(integration: StoredIntegration, via: ReportedStateCode, to: ReportedStateCode, transitionMs: number): void {
    const now = this.clock.now();
    delete integration.pendingState;
    integration.reportedStateUpdatedAt = now;
    if (transitionMs <= 0) {
      integration.reportedState = to;
      return;
    }
    integration.reportedState = via;
    integration.pendingState = { code: to, at: now + transitionMs };
  }

  validTokenCount(): number {
    const now = this.clock.now();
    return [...this.tokens.values()].filter((t) => t.expiresAt > now).length;
  }

  snapshot(): StateSnapshot {
    return structuredClone({
      integrations: this.liveAndVisible().map(({ pendingState, ...rest }) => {
        if (pendingState === undefined) return rest;
        return { ...rest, pendingState: { code: pendingState.code, at: new Date(pendingState.at).toISOString() } };
      }),
      credentials: [...this.credentials.values()],
      tokens: { issued: this.tokens.size, valid: this.validTokenCount() },
    });
  }

  clear(): void {
    this.integrations.clear();
    this.credentials.clear();
    this.tokens.clear();
  }

  private liveAndVisible(): StoredIntegration[] {
    this.purgeDeleted();
    return [...this.integrations.values()].map((i) => this.settle(i));
  }

  private settle(integration: StoredIntegration): StoredIntegration {
    const pending = integration.pendingState;
    if (pending !== undefined && pending.at <= this.clock.now()) {
      integration.reportedState = pending.code;
      integration.reportedStateUpdatedAt = pending.at;
      delete integration.pendingState;
    }
    return integration;
  }

  private purgeDeleted(): void {
    const now = this.clock.now();
    for (const [id, integration] of this.integrations) {
      if (integration.deletedAt !== undefined && integration.deletedAt + this.timing.deleteVisibleMs <= now) {
        this.integrations.delete(id);
      }
    }
  }
}
