// act: carries out decide's actions in order, against the platform and the resource's metadata. It
// stops at the first error (the status says which); what it learned (ids, the name chosen, the state)
// comes back as status fields.
import type { KubernetesObject } from '@kubernetes/client-node';
import { ANNOTATIONS, EVENT_REASONS, FINALIZER, type DataActionIntegrationStatus } from '../api/index.ts';
import { isPlatformError, provesNothingCreated, type IntegrationConfig, type PlatformClient } from '../platform/index.ts';
import { CREATE_SEND_WITHIN_MS } from './decide.ts';
import type { ReconcilerDeps, ResourceWriter } from './deps.ts';
import type { Action, EventNote } from './model.ts';
import { namesClaimedInCluster } from './cluster-names.ts';
import { chooseName } from './names.ts';
import { credentialName, type ObservedContext } from './observe.ts';

export interface ActOutcome {
  readonly status: Partial<DataActionIntegrationStatus>;
  readonly events: readonly EventNote[];
  /** The object as it is after metadata writes (for the status write). */
  readonly object: KubernetesObject;
  /** The resource no longer exists (its finalizer was removed while it was being deleted). */
  readonly released: boolean;
  readonly error: unknown;
}

type StatusFields = { -readonly [K in keyof DataActionIntegrationStatus]?: DataActionIntegrationStatus[K] | undefined };

export async function act(deps: ReconcilerDeps, context: ObservedContext, actions: readonly Action[]): Promise<ActOutcome> {
  const pass = new Pass(deps, context);
  try {
    for (const action of actions) await pass.carryOut(action);
  } catch (error) {
    return pass.outcome(error);
  }
  return pass.outcome(undefined);
}

/** One pass of act: the object as last written, and what was learned on the way. */
class Pass {
  object: KubernetesObject;
  readonly status: StatusFields = {};
  readonly events: EventNote[] = [];
  released = false;
  /** The credential written in this pass, which a configure action's link may name. */
  writtenCredential: string | undefined;
  /** The config observe read is current for the first config write of this pass only. */
  private knownConfig: IntegrationConfig | undefined;
  private readonly writer: ResourceWriter;

  constructor(
    readonly deps: ReconcilerDeps,
    readonly context: ObservedContext,
  ) {
    this.object = context.object;
    this.knownConfig = context.config;
    this.writer = deps.integrationWriter;
  }

  outcome(error: unknown): ActOutcome {
    return { status: this.status, events: this.events, object: this.object, released: this.released, error };
  }

  async carryOut(action: Action): Promise<void> {
    switch (action.type) {
      case 'addFinalizer':
        this.object = await this.writer.addFinalizer(this.object, FINALIZER);
        return;
      case 'removeFinalizer':
        this.object = await this.writer.removeFinalizer(this.object, FINALIZER);
        this.released = true;
        return;
      case 'markCreatePending':
        // Guarded by resourceVersion: if another writer got there first, nothing is created.
        return this.annotate({ [ANNOTATIONS.createPending]: this.nowStamp() });
      case 'markCredentialPending':
        return this.annotate({ [ANNOTATIONS.credentialCreatePending]: this.nowStamp() });
      case 'markMissing': {
        const key = action.what === 'integration' ? ANNOTATIONS.integrationMissingSince : ANNOTATIONS.credentialMissingSince;
        return this.record({ [key]: action.at === undefined ? null : new Date(action.at).toISOString() });
      }
      case 'createIntegration':
        return this.createIntegration(action.typeId, action.markerName);
      case 'recordIntegrationId':
        return this.recordIntegration(action.id);
      case 'forgetIntegrationId':
        return this.forgetIntegration();
      case 'writeCredential':
        return this.writeCredential(action);
      case 'configure':
        return this.configure(action);
      case 'setState': {
        const updated = await this.client().setIntendedState(action.integrationId, action.state);
        this.status.state = updated.reportedState?.code;
        return;
      }
      case 'deleteIntegration':
        return ignoreNotFound(this.client().deleteIntegration(action.id));
      case 'deleteCredential':
        return ignoreNotFound(this.client().deleteCredential(action.id));
    }
  }

  private async annotate(annotations: Record<string, string | null>): Promise<void> {
    this.object = await this.writer.annotate(this.object, annotations);
  }

  /** What the platform holds is recorded with a write that no unrelated change (a label, another annotation) can refuse. */
  private async record(annotations: Record<string, string | null>): Promise<void> {
    this.object = await this.writer.annotateUnguarded(this.object, annotations);
  }

  private nowStamp(): string {
    return new Date(this.deps.now()).toISOString();
  }

  /** After a create failed: forget the pending mark when nothing was made, restart its grace when it may have been. */
  private async settlePending(key: string, error: unknown): Promise<void> {
    if (provesNothingCreated(error)) await this.record({ [key]: null });
    else await this.record({ [key]: this.nowStamp() });
  }

  private client(): PlatformClient {
    if (this.context.session === undefined) throw new Error('No platform session for this action');
    return this.context.session.client;
  }

  private async createIntegration(typeId: string, markerName: string): Promise<void> {
    let created;
    try {
      // Sent within a deadline shorter than the grace period counted from the pending mark.
      created = await this.client().createIntegration(
        { integrationTypeId: typeId, name: markerName },
        { sendWithinMs: CREATE_SEND_WITHIN_MS },
      );
    } catch (error) {
      await this.settlePending(ANNOTATIONS.createPending, error);
      throw error;
    }
    await this.recordIntegration(created.id);
    this.events.push({ type: 'Normal', reason: EVENT_REASONS.created, message: `Created integration ${created.id} on the platform` });
  }

  /** The id goes to status first, then the annotation (clearing the marks): observe reads either. */
  private async recordIntegration(id: string): Promise<void> {
    await this.writer.writeStatus(this.object, undefined, { integrationId: id });
    await this.record({ [ANNOTATIONS.integrationId]: id, [ANNOTATIONS.createPending]: null, [ANNOTATIONS.integrationMissingSince]: null });
    this.status.integrationId = id;
  }

  /** Status first, as when recording: observe falls back to the status's id when the annotation has none. */
  private async forgetIntegration(): Promise<void> {
    const forgotten = this.context.resource.status?.integrationId;
    if (forgotten !== undefined) await this.writer.writeStatus(this.object, { integrationId: forgotten }, {});
    await this.record({ [ANNOTATIONS.integrationId]: null, [ANNOTATIONS.integrationMissingSince]: null });
  }

  private async writeCredential(action: Extract<Action, { type: 'writeCredential' }>): Promise<void> {
    const { metadata } = this.context.resource;
    const owner = { namespace: metadata.namespace ?? '', name: metadata.name, uid: metadata.uid ?? '' };
    const request = { name: credentialName(owner), typeName: action.typeName, fields: action.fields };
    let id = action.credentialId;
    if (id !== undefined) {
      // A 404 here is not believed at once: observe confirms it over the grace period.
      await this.client().updateCredential(id, request);
      if (id !== this.context.resource.status?.credentialId) {
        // A credential found by its name (a create whose answer was lost): now it is recorded.
        await this.writer.writeStatus(this.object, undefined, { credentialId: id });
        if (this.object.metadata?.annotations?.[ANNOTATIONS.credentialCreatePending] !== undefined) {
          await this.record({ [ANNOTATIONS.credentialCreatePending]: null });
        }
      }
    } else {
      try {
        id = (await this.client().createCredential(request, { sendWithinMs: CREATE_SEND_WITHIN_MS })).id;
      } catch (error) {
        await this.settlePending(ANNOTATIONS.credentialCreatePending, error);
        throw error;
      }
      // Recorded at once, status first, so that a failure before the link is written leaves no unknown credential.
      await this.writer.writeStatus(this.object, undefined, { credentialId: id });
      await this.record({ [ANNOTATIONS.credentialCreatePending]: null });
    }
    this.writtenCredential = id;
    this.status.credentialId = id;
    this.status.credentialsRevision = action.revision;
    this.events.push({ type: 'Normal', reason: EVENT_REASONS.credentialsWritten, message: `Wrote credential ${id} from the Secret` });
  }

  private async configure(action: Extract<Action, { type: 'configure' }>): Promise<void> {
    const link =
      action.link === undefined
        ? undefined
        : {
            slot: action.link.slot,
            credentialId: action.link.credentialId === undefined ? (this.writtenCredential ?? null) : action.link.credentialId,
          };
    const known = this.knownConfig;
    this.knownConfig = undefined;
    await configure(this.deps, this.context, this.client(), { ...action, link }, this.events, this.status, known);
  }
}

interface ConfigureRequest {
  readonly integrationId: string;
  readonly name?: { readonly base: string; readonly prefer: string | undefined } | undefined;
  readonly notes?: string | undefined;
  readonly properties?: Readonly<Record<string, unknown>> | undefined;
  readonly link?: { readonly slot: string; readonly credentialId: string | null } | undefined;
}

/** One PUT of config/current; when a name is to be chosen, under the org's name lock. */
async function configure(
  deps: ReconcilerDeps,
  context: ObservedContext,
  client: PlatformClient,
  request: ConfigureRequest,
  events: EventNote[],
  status: StatusFields,
  known: IntegrationConfig | undefined,
): Promise<void> {
  const write = async (name: string | undefined): Promise<void> => {
    await client.updateConfig(
      request.integrationId,
      (current) => {
        const credentials: Record<string, { id: string }> = { ...current.credentials };
        if (request.link !== undefined) {
          if (request.link.credentialId === null) delete credentials[request.link.slot];
          else credentials[request.link.slot] = { id: request.link.credentialId };
        }
        return {
          name: name ?? current.name,
          notes: request.notes ?? current.notes,
          properties: { ...current.properties, ...request.properties },
          advanced: current.advanced,
          credentials,
        };
      },
      known,
    );
  };
  const wanted = request.name;
  if (wanted === undefined) {
    await write(undefined);
    return;
  }
  const session = context.session;
  if (session === undefined) throw new Error('No platform session to choose a name with');
  await session.withNameLock(async () => {
    const others = await session.otherNames(request.integrationId, namesKnownSince(deps, context), () => deps.now());
    const owner = context.resource.metadata.uid;
    const claimed = namesClaimedInCluster(deps, await session.organizationId(), owner);
    const taken = new Set([...others, ...claimed, ...session.reservedNames(deps.now(), request.integrationId, owner)]);
    const chosen = wanted.prefer !== undefined && !taken.has(wanted.prefer) ? wanted.prefer : chooseName(wanted.base, taken);
    // Claimed in the status before it is written to the platform: a replica that takes over after a crash
    // here sees the claim even when the platform's listing does not show the name yet.
    if (context.resource.status?.platformName !== chosen) {
      await deps.integrationWriter.writeStatus(context.object, undefined, { platformName: chosen });
    }
    await write(chosen);
    session.reserveName(chosen, request.integrationId, deps.now(), owner);
    status.platformName = chosen;
    if (chosen !== wanted.base && chosen !== wanted.prefer) {
      events.push({
        type: 'Normal',
        reason: EVENT_REASONS.nameChosen,
        message: `Named the integration "${chosen}": "${wanted.base}" is carried by another integration of the organization`,
      });
    }
  });
}

/**
 * From when the names taken must be known: a resource named for the first time (never renamed since it was
 * made) needs a listing started after it was made, or half a resync ago if later, so a name set by hand before
 * `kubectl apply` is seen; one listing then serves a whole burst of new resources. A rename or a name put back
 * needs a listing made now.
 */
function namesKnownSince(deps: ReconcilerDeps, context: ObservedContext): number {
  const now = deps.now();
  const { metadata, status } = context.resource;
  const made = metadata.creationTimestamp;
  const madeAt = made === undefined ? Number.NaN : new Date(made).getTime();
  if (status?.platformName !== undefined || (metadata.generation ?? 1) !== 1 || Number.isNaN(madeAt)) return now;
  return Math.min(now, Math.max(madeAt, now - deps.resyncMs / 2));
}

async function ignoreNotFound(call: Promise<void>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(isPlatformError(error) && error.code === 'NotFound')) throw error;
  }
}
