// act: carries out decide's actions in order, against the platform and the resource's metadata. It
// stops at the first error (the status says which); what it learned (ids, the name chosen, the state)
// comes back as status fields.
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  ANNOTATIONS,
  DATA_ACTION_INTEGRATION_NAMES,
  EVENT_REASONS,
  FINALIZER,
  GROUP,
  VERSION,
  type DataActionIntegrationStatus,
} from '../api/index.ts';
import { addFinalizer, patchMetadata, removeFinalizer } from '../kube/metadata.ts';
import { writeStatus } from '../kube/status-writer.ts';
import { isPlatformError, type IntegrationConfig, type PlatformClient } from '../platform/index.ts';
import type { ReconcilerDeps } from './deps.ts';
import type { Action, EventNote } from './model.ts';
import { chooseName } from './names.ts';
import type { ObservedContext } from './observe.ts';

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
  const ref = {
    group: GROUP,
    version: VERSION,
    plural: DATA_ACTION_INTEGRATION_NAMES.plural,
    namespace: context.resource.metadata.namespace ?? '',
    name: context.resource.metadata.name,
  };
  let object = context.object;
  const status: StatusFields = {};
  const events: EventNote[] = [];
  let released = false;
  let writtenCredential: string | undefined;
  const uid = context.resource.metadata.uid ?? '';
  const { namespace, name } = ref;

  // The config observe read is current for the first config write of this pass only.
  let knownConfig = context.config;
  const takeKnownConfig = (): IntegrationConfig | undefined => {
    const config = knownConfig;
    knownConfig = undefined;
    return config;
  };
  const annotate = async (annotations: Record<string, string | null>): Promise<void> => {
    object = await patchMetadata(deps.kc, ref, { annotations }, object.metadata?.resourceVersion ?? '');
  };
  const client = (): PlatformClient => {
    if (context.session === undefined) throw new Error('No platform session for this action');
    return context.session.client;
  };

  try {
    for (const action of actions) {
      switch (action.type) {
        case 'addFinalizer':
          object = await addFinalizer(deps.kc, ref, object, FINALIZER);
          break;
        case 'removeFinalizer':
          object = await removeFinalizer(deps.kc, ref, object, FINALIZER);
          released = true;
          break;
        case 'markCreatePending':
          // Guarded by resourceVersion: if another writer got there first, nothing is created.
          await annotate({ [ANNOTATIONS.createPending]: new Date(deps.now()).toISOString() });
          break;
        case 'createIntegration': {
          let created;
          try {
            created = await client().createIntegration({ integrationTypeId: action.typeId, name: action.markerName });
          } catch (error) {
            // Known not to have happened: no need to make the next pass wait for it to appear.
            if (isPlatformError(error) && error.code !== 'UnknownOutcome' && !error.retryable) {
              await annotate({ [ANNOTATIONS.createPending]: null });
            }
            throw error;
          }
          await annotate({ [ANNOTATIONS.integrationId]: created.id, [ANNOTATIONS.createPending]: null });
          status.integrationId = created.id;
          events.push({ type: 'Normal', reason: EVENT_REASONS.created, message: `Created integration ${created.id} on the platform` });
          break;
        }
        case 'recordIntegrationId':
          await annotate({ [ANNOTATIONS.integrationId]: action.id, [ANNOTATIONS.createPending]: null });
          status.integrationId = action.id;
          break;
        case 'forgetIntegrationId':
          await annotate({ [ANNOTATIONS.integrationId]: null });
          break;
        case 'writeCredential': {
          const request = { name: `dataaction-operator ${namespace}/${name} ${uid}`, typeName: action.typeName, fields: action.fields };
          let id = action.credentialId;
          if (id !== undefined) {
            try {
              await client().updateCredential(id, request);
            } catch (error) {
              if (!(isPlatformError(error) && error.code === 'NotFound')) throw error;
              id = undefined;
            }
          }
          if (id === undefined) {
            id = (await client().createCredential(request)).id;
            // Recorded at once so that a failure before the link is written leaves no unknown credential.
            await writeStatus(deps.kc, ref, undefined, { credentialId: id });
          }
          writtenCredential = id;
          status.credentialId = id;
          status.credentialsRevision = action.revision;
          events.push({ type: 'Normal', reason: EVENT_REASONS.credentialsWritten, message: `Wrote credential ${id} from the Secret` });
          if (id !== action.credentialId && !actions.some((a) => a.type === 'configure' && a.link !== undefined)) {
            await configure(
              deps,
              context,
              client(),
              {
                integrationId: context.resource.metadata.annotations?.[ANNOTATIONS.integrationId] ?? status.integrationId ?? '',
                link: { slot: context.resolved?.credentialSlot ?? context.kind.credentialSlot, credentialId: id },
              },
              events,
              status,
              takeKnownConfig(),
            );
          }
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
