// What the operator knows of one real org's integrations between two looks at the platform: the last listing of
// the whole org (one call for up to 999 integrations, shared by every resource of the org), brought up to date
// by the answers of the operator's own writes. It serves the resync's drift checks, the names taken and the
// count of a type; an answer older than the operator's own later write to that integration is never used.
import { configOf, type Integration, type IntegrationConfig } from '../platform/index.ts';
import { carriesMarker } from './names.ts';

/**
 * How long an integration the operator created or deleted outweighs a listing that does not show that yet:
 * listings lag behind writes (docs/platform-facts.md §10), as the name reservations of org-sessions.ts assume.
 */
const LIST_LAG_MS = 120_000;

/** One part of what is known, and where it comes from. */
export interface Known<T> {
  readonly value: T;
  /** When it was learned (epoch ms). */
  readonly at: number;
  readonly source: 'listing' | 'write';
  /** Orders it against writes: a part older than the integration's last write attempt is not used. */
  readonly seq: number;
}

interface Entry {
  readonly id: string;
  readonly typeId: string;
  name: string;
  notes: string | undefined;
  integration: Known<Integration> | undefined;
  config: Known<IntegrationConfig> | undefined;
  /** The sequence number of the last write sent to the integration itself, and to its config. */
  integrationWrittenSeq: number;
  configWrittenSeq: number;
  /** Set when this operator created it: a listing that lags does not drop it. */
  createdAt: number | undefined;
}

/**
 * Only what observe reads of an integration: an org's index lives as long as the process, and a listing's
 * entries carry much more (the whole integration type, its config when expanded, attributes).
 */
function slim(integration: Integration): Integration {
  const { id, name, notes, intendedState, reportedState } = integration;
  return {
    id,
    name,
    integrationType: { id: integration.integrationType.id },
    ...(notes === undefined ? {} : { notes }),
    ...(intendedState === undefined ? {} : { intendedState }),
    ...(reportedState === undefined
      ? {}
      : {
          reportedState: {
            code: reportedState.code,
            ...(reportedState.effective === undefined ? {} : { effective: reportedState.effective }),
            ...(reportedState.detail?.message === undefined ? {} : { detail: { message: reportedState.detail.message } }),
          },
        }),
  };
}

/** What a whole-org listing answered; `configs` when its entries carry their configuration. */
export interface OrgListing {
  readonly integrations: readonly Integration[];
  readonly configs: boolean;
}

export class OrgIndex {
  private readonly entries = new Map<string, Entry>();
  /** Integrations this operator deleted, and when: a listing that lags must not bring them back. */
  private readonly deleted = new Map<string, number>();
  private seq = 0;
  private listedAt: number | undefined;
  private inFlight: { readonly startedAt: number; readonly done: Promise<void> } | undefined;

  /**
   * Makes sure the index comes from a listing started at or after `since` (epoch ms): reuses it when there is
   * one, joins one in flight that started late enough, else lists. Concurrent callers share one listing.
   */
  async ensure(since: number, now: () => number, list: () => Promise<OrgListing>): Promise<void> {
    for (;;) {
      if (this.listedAt !== undefined && this.listedAt >= since) return;
      const running = this.inFlight;
      if (running !== undefined && running.startedAt >= since) return running.done;
      if (running !== undefined) {
        await running.done.catch(() => undefined);
        continue;
      }
      const startedAt = now();
      const seq = ++this.seq;
      const done = list().then((listing) => this.absorb(listing, startedAt, seq));
      const flight = { startedAt, done };
      this.inFlight = flight;
      try {
        return await done;
      } finally {
        if (this.inFlight === flight) this.inFlight = undefined;
      }
    }
  }

  /** When the last whole-org listing started, if there was one. */
  get listedSince(): number | undefined {
    return this.listedAt;
  }

  /** The parts known of an integration that are at most `maxAgeMs` old and newer than any write to it. */
  known(id: string, now: number, maxAgeMs: number): { integration?: Known<Integration>; config?: Known<IntegrationConfig> } {
    const entry = this.entries.get(id);
    if (entry === undefined) return {};
    const fresh = <T>(part: Known<T> | undefined, writtenSeq: number): Known<T> | undefined =>
      part !== undefined && part.seq > writtenSeq && now - part.at <= maxAgeMs ? part : undefined;
    const integration = fresh(entry.integration, entry.integrationWrittenSeq);
    const config = fresh(entry.config, entry.configWrittenSeq);
    return { ...(integration === undefined ? {} : { integration }), ...(config === undefined ? {} : { config }) };
  }

  /** Names of every integration known but `exceptId`. */
  names(exceptId: string): string[] {
    return [...this.entries.values()].filter((e) => e.id !== exceptId).map((e) => e.name);
  }

  /** How many integrations of a type the org holds. */
  countOfType(typeId: string): number {
    return [...this.entries.values()].filter((e) => e.typeId === typeId).length;
  }

  /** The integration of the type that carries the resource's marker (names.ts), if one is known. */
  markerOf(uid: string, typeId: string): string | undefined {
    return [...this.entries.values()].find((e) => e.typeId === typeId && carriesMarker(e.name, e.notes, uid))?.id;
  }

  /** Called before a write is sent: until its answer, what was known of that part is not used. */
  writing(id: string, part: 'integration' | 'config' | 'both'): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    const seq = ++this.seq;
    if (part !== 'config') entry.integrationWrittenSeq = seq;
    if (part !== 'integration') entry.configWrittenSeq = seq;
  }

  /** The answer of a create or of a state change. */
  wroteIntegration(integration: Integration, now: number, created: boolean): void {
    const entry = this.entryFor(integration);
    entry.integration = { value: slim(integration), at: now, source: 'write', seq: ++this.seq };
    if (created) {
      entry.createdAt = now;
      entry.name = integration.name;
      entry.notes = integration.notes;
    }
  }

  /** The answer of a config write (or the config it found already in place). */
  wroteConfig(id: string, config: IntegrationConfig, now: number): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    entry.config = { value: config, at: now, source: 'write', seq: ++this.seq };
    entry.name = config.name;
    entry.notes = config.notes;
  }

  /** The integration is gone (deleted by this operator, or its 404 believed). */
  forget(id: string, now: number): void {
    this.entries.delete(id);
    this.deleted.set(id, now);
  }

  private entryFor(integration: Integration): Entry {
    let entry = this.entries.get(integration.id);
    if (entry === undefined) {
      entry = {
        id: integration.id,
        typeId: integration.integrationType.id,
        name: integration.name,
        notes: integration.notes,
        integration: undefined,
        config: undefined,
        integrationWrittenSeq: 0,
        configWrittenSeq: 0,
        createdAt: undefined,
      };
      this.entries.set(integration.id, entry);
    }
    return entry;
  }

  /**
   * Takes in a listing started at `startedAt`: its entries replace what is known, except parts this operator
   * wrote after it started; what it lacks is dropped, except what this operator created too recently to be listed.
   */
  private absorb(listing: OrgListing, startedAt: number, seq: number): void {
    const seen = new Set<string>();
    for (const listed of listing.integrations) {
      const deletedAt = this.deleted.get(listed.id);
      if (deletedAt !== undefined && startedAt - deletedAt < LIST_LAG_MS) continue;
      seen.add(listed.id);
      const entry = this.entryFor(listed);
      if (entry.integration === undefined || entry.integration.seq < seq) {
        entry.integration = { value: slim(listed), at: startedAt, source: 'listing', seq };
      }
      const config = listing.configs ? configOf(listed) : undefined;
      if (config !== undefined && (entry.config === undefined || entry.config.seq < seq)) {
        entry.config = { value: config, at: startedAt, source: 'listing', seq };
      }
      const newest = entry.config !== undefined && entry.config.seq > seq ? entry.config.value : listed;
      entry.name = newest.name;
      entry.notes = newest.notes;
    }
    for (const [id, entry] of this.entries) {
      const young = entry.createdAt !== undefined && startedAt - entry.createdAt < LIST_LAG_MS;
      if (!seen.has(id) && !young) this.entries.delete(id);
    }
    for (const [id, at] of this.deleted) if (startedAt - at >= LIST_LAG_MS) this.deleted.delete(id);
    this.listedAt = Math.max(this.listedAt ?? startedAt, startedAt);
  }
}
