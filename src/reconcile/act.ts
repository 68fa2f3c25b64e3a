// act: carries out decide's actions in order, against the platform and the resource's metadata. It
// stops at the first error (the status says which); what it learned (ids, the name chosen, the state)
// comes back as status fields.
import type { KubernetesObject } from '@kubernetes/client-node';
import { ANNOTATIONS, EVENT_REASONS, FINALIZER, type DataActionIntegrationStatus } from '../api/index.ts';
import { isPlatformError, provesNothingCreated, type IntegrationConfig, type PlatformClient } from '../platform/index.ts';
import { CREATE_SEND_WITHIN_MS } from './decide.ts';
import type { ReconcilerDeps } from './deps.ts';
import type { Action, EventNote } from './model.ts';
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
  const writer = deps.integrationWriter;
  let object = context.object;
  const status: StatusFields = {};
  const events: EventNote[] = [];
  let released = false;
  let writtenCredential: string | undefined;
  const uid = context.resource.metadata.uid ?? '';
  const namespace = context.resource.metadata.namespace ?? '';
  const name = context.resource.metadata.name;

  // The config observe read is current for the first config write of this pass only.
  let knownConfig = context.config;
  const takeKnownConfig = (): IntegrationConfig | undefined => {
    const config = knownConfig;
    knownConfig = undefined;
    return config;
  };
  const annotate = async (annotations: Record<string, string | null>): Promise<void> => {
    object = await writer.annotate(object, annotations);
  };
  // What the platform holds is recorded with a write that no unrelated change (a label, another
  // annotation) can refuse.
  const record = async (annotations: Record<string, string | null>): Promise<void> => {
    object = await writer.annotateUnguarded(object, annotations);
  };
  const nowStamp = (): string => new Date(deps.now()).toISOString();
  /** After a create failed: forget the pending mark when nothing was made, restart its grace when it may have been. */
  const settlePending = async (key: string, error: unknown): Promise<void> => {
    if (provesNothingCreated(error)) await record({ [key]: null });
    else await record({ [key]: nowStamp() });
  };
  const client = (): PlatformClient => {
    if (context.session === undefined) throw new Error('No platform session for this action');
    return context.session.client;
  };

  /** The id goes to status first, then the annotation (clearing the marks): observe reads either. */
  const recordIntegration = async (id: string): Promise<void> => {
    await writer.writeStatus(object, undefined, { integrationId: id });
    await record({ [ANNOTATIONS.integrationId]: id, [ANNOTATIONS.createPending]: null, [ANNOTATIONS.integrationMissingSince]: null });
  };

  try {
    for (const action of actions) {
      switch (action.type) {
        case 'addFinalizer':
          object = await writer.addFinalizer(object, FINALIZER);
          break;
        case 'removeFinalizer':
          object = await writer.removeFinalizer(object, FINALIZER);
          released = true;
          break;
        case 'markCreatePending':
          // Guarded by resourceVersion: if another writer got there first, nothing is created.
          await annotate({ [ANNOTATIONS.createPending]: nowStamp() });
          break;
        case 'markCredentialPending':
          await annotate({ [ANNOTATIONS.credentialCreatePending]: nowStamp() });
          break;
        case 'markMissing': {
          const key = action.what === 'integration' ? ANNOTATIONS.integrationMissingSince : ANNOTATIONS.credentialMissingSince;
          await record({ [key]: action.at === undefined ? null : new Date(action.at).toISOString() });
          break;
        }
        case 'createIntegration': {
          let created;
          try {
            // Sent within a deadline shorter than the grace period counted from the pending mark.
            created = await client().createIntegration(
              { integrationTypeId: action.typeId, name: action.markerName },
              { sendWithinMs: CREATE_SEND_WITHIN_MS },
            );
          } catch (error) {
            await settlePending(ANNOTATIONS.createPending, error);
            throw error;
          }
          await recordIntegration(created.id);
          status.integrationId = created.id;
          events.push({ type: 'Normal', reason: EVENT_REASONS.created, message: `Created integration ${created.id} on the platform` });
          break;
        }
        case 'recordIntegrationId':
          await recordIntegration(action.id);
          status.integrationId = action.id;
          break;
        case 'forgetIntegrationId': {
          // Status first, as when recording: observe falls back to the status's id when the annotation has none.
          const forgotten = context.resource.status?.integrationId;
          if (forgotten !== undefined) await writer.writeStatus(object, { integrationId: forgotten }, {});
          await record({ [ANNOTATIONS.integrationId]: null, [ANNOTATIONS.integrationMissingSince]: null });
          break;
        }
        case 'writeCredential': {
          const request = { name: credentialName({ namespace, name, uid }), typeName: action.typeName, fields: action.fields };
          let id = action.credentialId;
          if (id !== undefined) {
            // A 404 here is not believed at once: observe confirms it over the grace period.
            await client().updateCredential(id, request);
            if (id !== context.resource.status?.credentialId) {
              // A credential found by its name (a create whose answer was lost): now it is recorded.
              await writer.writeStatus(object, undefined, { credentialId: id });
              if (object.metadata?.annotations?.[ANNOTATIONS.credentialCreatePending] !== undefined) {
                await record({ [ANNOTATIONS.credentialCreatePending]: null });
              }
            }
          } else {
            try {
              id = (await client().createCredential(request, { sendWithinMs: CREATE_SEND_WITHIN_MS })).id;
            } catch (error) {
              await settlePending(ANNOTATIONS.credentialCreatePending, error);
              throw error;
            }
            // Recorded at once, status first, so that a failure before the link is written leaves no unknown credential.
            await writer.writeStatus(object, undefined, { credentialId: id });
            await record({ [ANNOTATIONS.credentialCreatePending]: null });
          }
          writtenCredential = id;
          status.credentialId = id;
          status.credentialsRevision = action.revision;
          events.push({ type: 'Normal', reason: EVENT_REASONS.credentialsWritten, message: `Wrote credential ${id} from the Secret` });
          break;
        }
        case 'configure': {
          const link =
            action.link === undefined
              ? undefined
              : {
                  slot: action.link.slot,
                  credentialId: action.link.credentialId === undefined ? (writtenCredential ?? null) : action.link.credentialId,
                };
          await configure(deps, context, client(), { ...action, link }, events, status, takeKnownConfig());
          break;
        }
        case 'setState': {
          const updated = await client().setIntendedState(action.integrationId, action.state);
          status.state = updated.reportedState?.code;
          break;
        }
        case 'deleteIntegration':
          await ignoreNotFound(client().deleteIntegration(action.id));
          break;
        case 'deleteCredential':
          await ignoreNotFound(client().deleteCredential(action.id));
          break;
      }
    }
  } catch (error) {
    return { status, events, object, released, error };
  }
  return { status, events, object, released, error: undefined };
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
    const others = await session.otherNames(request.integrationId);
    const owner = context.resource.metadata.uid;
    const taken = new Set([...others, ...session.reservedNames(deps.now(), request.integrationId, owner)]);
    const chosen = wanted.prefer !== undefined && !taken.has(wanted.prefer) ? wanted.prefer : chooseName(wanted.base, taken);
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

async function ignoreNotFound(call: Promise<void>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(isPlatformError(error) && error.code === 'NotFound')) throw error;
  }
}
