// What the reconcilers need from the rest of the operator, as narrow interfaces: the caches the
// informers keep, the writes to their own resources, a read of Secret data, Events, logs, the clock.
// operator.ts wires the real parts; tests wire fakes.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { SecretData } from '../integrations/index.ts';
import type { ResourceWriter } from '../lib/resource-writer.ts';
import type { OrgSessions } from './org-sessions.ts';

export interface ObjectCache {
  get(namespace: string, name: string): KubernetesObject | undefined;
  list(namespace?: string): readonly KubernetesObject[];
}

export interface EventSink {
  record(object: KubernetesObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface Scrubber {
  add(value: string): void;
  /** Sets the secret values `owner` holds now, forgetting the ones it held before (a rotated value). */
  replace(owner: string, values: Iterable<string>): void;
  scrub(text: string): string;
}

export type { ResourceWriter };

export interface ReconcilerDeps {
  /** Writes to DataActionIntegrations (metadata and status). */
  readonly integrationWriter: ResourceWriter;
  /** Writes to GenesysCloudOrganizations (finalizer and status). */
  readonly organizationWriter: ResourceWriter;
  readonly integrations: ObjectCache;
  readonly organizations: ObjectCache;
  readSecret(namespace: string, name: string): Promise<SecretData | undefined>;
  readonly sessions: OrgSessions;
  readonly events: EventSink;
  readonly logger: Logger;
  readonly scrubber: Scrubber;
  now(): number;
  /** How often a settled resource is looked at again (drift). */
  readonly resyncMs: number;
  /** Called with each integration's state after its status is written, for metrics. */
  observeState?(namespace: string, name: string, state: string | undefined, ready: string): void;
  /** The DataActions (names) in the namespace that reference this integration: its deletion waits for them. */
  actionsUsing?(namespace: string, integrationName: string): readonly string[];
  /** Whether the DataActionIntegration CRD is being deleted; asked only for a resource being deleted. */
  kindBeingDeleted?(): Promise<boolean>;
}
