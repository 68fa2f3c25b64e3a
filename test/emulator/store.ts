// What the emulated organization holds. Time-dependent facts (state transitions, delete visibility,
// list lag, read-after-write lag) are stored as timestamps and settled when read, so the emulator runs no timers.
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
  /**
   * When list results start to show it: its creation plus the list lag in force then. A lag set later
   * delays only what is created later, as an index that catches up never drops what it already holds.
   */
  readonly listedFrom?: number;
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
  /** After a create, GET by id answers 404 this long; after a write, it answers the version before it. */
  readonly readAfterWriteLagMs: number;
  /**
   * Whether `GET /api/v2/integrations?expand=config.current` embeds each entry's full configuration
   * (guesses.ts: unconfirmed on the real platform). Without it, or without the expand, entries carry `{id}` only.
   */
  readonly listingExpandsConfig: boolean;
}

/** What a GET by id still answers after a write, until `until`. */
interface Stale<T> {
  readonly record: T;
  readonly until: number;
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
  private timingNow: StoreTiming;
  private readonly staleIntegrations = new Map<string, Stale<StoredIntegration>>();
  private readonly staleCredentials = new Map<string, Stale<StoredCredential>>();
  /** Ids created through the API that GET by id does not find before the given time. */
  private readonly hiddenUntil = new Map<string, number>();

  constructor(clock: Clock, timing: StoreTiming) {
    this.clock = clock;
    this.timingNow = timing;
  }

  get timing(): StoreTiming {
    return this.timingNow;
  }

  /** Changes the consistency delays from now on (a test turns eventual consistency on and off). */
  setTiming(timing: Partial<StoreTiming>): void {
    this.timingNow = { ...this.timingNow, ...timing };
  }

  /**
   * What a GET by id (integration or its config) answers: nothing within `readAfterWriteLagMs` of the create,
   * and the version before the first write within that lag of the write.
   */
  readIntegration(id: string): StoredIntegration | undefined {
    const found = this.visibleIntegration(id);
    if (found === undefined || this.isHidden(id)) return undefined;
    const stale = this.staleIntegrations.get(id);
    return stale !== undefined && stale.until > this.clock.now() ? this.settle(stale.record) : found;
  }

  /** The same for GET credential. */
  readCredential(id: string): StoredCredential | undefined {
    const found = this.credentials.get(id);
    if (found === undefined || this.isHidden(id)) return undefined;
    const stale = this.staleCredentials.get(id);
    return stale !== undefined && stale.until > this.clock.now() ? stale.record : found;
  }

  /** Whether a GET by id of something an API call created (an action too) still misses it: the read lags the create. */
  readLagsCreate(id: string): boolean {
    return this.isHidden(id);
  }

  /** Called when an API call creates an integration, credential or action: GET by id misses it for a while. */
  noteCreate(id: string): void {
    const lagMs = this.timingNow.readAfterWriteLagMs;
    if (lagMs > 0) this.hiddenUntil.set(id, this.clock.now() + lagMs);
  }

  /** Called just before an API write changes `integration`: readers keep the old version for a while. */
  noteIntegrationWrite(integration: StoredIntegration): void {
    noteWrite(this.staleIntegrations, integration.id, integration, this.clock.now(), this.timingNow.readAfterWriteLagMs);
  }

  noteCredentialWrite(credential: StoredCredential): void {
    noteWrite(this.staleCredentials, credential.id, credential, this.clock.now(), this.timingNow.readAfterWriteLagMs);
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

  /** What list results show: visible integrations, minus those still within the list lag of their creation. */
  listedIntegrations(): StoredIntegration[] {
    this.purgeDeleted();
    const now = this.clock.now();
    return [...this.integrations.values()].filter((i) => (i.listedFrom ?? i.createdAt) <= now).map((i) => this.settle(i));
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
    this.staleIntegrations.clear();
    this.staleCredentials.clear();
    this.hiddenUntil.clear();
  }

  private isHidden(id: string): boolean {
    const until = this.hiddenUntil.get(id);
    if (until === undefined) return false;
    if (until > this.clock.now()) return true;
    this.hiddenUntil.delete(id);
    return false;
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
      if (integration.deletedAt !== undefined && integration.deletedAt + this.timingNow.deleteVisibleMs <= now) {
        this.integrations.delete(id);
      }
    }
  }
}

/** Keeps the version before a write for readers, unless an older one is still being served. */
function noteWrite<T>(stale: Map<string, Stale<T>>, id: string, record: T, now: number, lagMs: number): void {
  if (lagMs <= 0) return;
  const current = stale.get(id);
  if (current !== undefined && current.until > now) return;
  stale.set(id, { record: structuredClone(record), until: now + lagMs });
}
