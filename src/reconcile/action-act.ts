// act for a DataAction: carries out the steps in order and stops at the first error. A change goes to
// the action's draft, which is validated before it is published: a draft the platform finds invalid is
// never published, so the published action stays as it was.
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  ACTION_ID_ANNOTATION,
  ACTION_MISSING_SINCE_ANNOTATION,
  ACTION_REASONS,
  ANNOTATIONS,
  EVENT_REASONS,
  FINALIZER,
  type DataActionStatus,
} from '../api/index.ts';
import {
  isPlatformError,
  provesNothingCreated,
  type Action,
  type ActionContent,
  type ActionsClient,
  type TestExecutionResult,
} from '../platform/index.ts';
import type { ActionStep } from './action-model.ts';
import type { ActionReconcilerDeps } from './action-observe.ts';
import { CREATE_SEND_WITHIN_MS } from './decide.ts';
import type { EventNote } from './model.ts';

/** The platform's validation refused the draft; its messages say why. */
export class DraftInvalidError extends Error {
  readonly code = ACTION_REASONS.draftInvalid;
}

/** Recording or forgetting the id ends a pending create and a 404 being confirmed alike. */
const MARKS_CLEARED = { [ANNOTATIONS.createPending]: null, [ACTION_MISSING_SINCE_ANNOTATION]: null } as const;

function sessionClient(client: ActionsClient | undefined): ActionsClient {
  if (client === undefined) throw new Error('No platform session for this action');
  return client;
}

function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export interface ActionActOutcome {
  readonly object: KubernetesObject;
  readonly status: Partial<DataActionStatus>;
  readonly events: readonly EventNote[];
  readonly released: boolean;
  /** The outcome of a test step, when one ran. */
  readonly tested: TestExecutionResult | undefined;
  readonly error: unknown;
}

export async function actOnAction(
  deps: ActionReconcilerDeps,
  object: KubernetesObject,
  client: ActionsClient | undefined,
  steps: readonly ActionStep[],
): Promise<ActionActOutcome> {
  let current = object;
  const status: { -readonly [K in keyof DataActionStatus]?: DataActionStatus[K] | undefined } = {};
  const events: EventNote[] = [];
  let released = false;
  let tested: TestExecutionResult | undefined;
  const platform = (): ActionsClient => sessionClient(client);
  // The id the createAction step of this plan got back: the later steps that name no id act on it.
  let createdId: string | undefined;
  const target = (id: string | undefined): string => actionOf(id, createdId);
  const record = async (id: string): Promise<void> => {
    // Status first, then the annotation (clearing the pending and missing marks): observe reads either.
    await deps.actionWriter.writeStatus(current, undefined, { actionId: id });
    current = await deps.actionWriter.annotateUnguarded(current, { [ACTION_ID_ANNOTATION]: id, ...MARKS_CLEARED });
    status.actionId = id;
  };
  try {
    for (const step of steps) {
      switch (step.type) {
        case 'addFinalizer':
          current = await deps.actionWriter.addFinalizer(current, FINALIZER);
          break;
        case 'removeFinalizer':
          current = await deps.actionWriter.removeFinalizer(current, FINALIZER);
          released = true;
          break;
        case 'markCreatePending':
          // Guarded by resourceVersion: if another writer got there first, nothing is created.
          current = await deps.actionWriter.annotate(current, { [ANNOTATIONS.createPending]: new Date(deps.now()).toISOString() });
          break;
        case 'createAction': {
          const created = await create(platform(), step).catch(async (error: unknown) => {
            current = await deps.actionWriter.annotateUnguarded(current, { [ANNOTATIONS.createPending]: pendingAfter(deps, error) });
            throw error;
          });
          await record(created.id);
          createdId = created.id;
          status.version = created.version;
          events.push({ type: 'Normal', reason: EVENT_REASONS.created, message: `Created action ${created.id} on the platform` });
          break;
        }
        case 'recordActionId':
          await record(step.id);
          break;
        case 'forgetActionId':
          await deps.actionWriter.writeStatus(current, { actionId: '' }, {});
          current = await deps.actionWriter.annotateUnguarded(current, { [ACTION_ID_ANNOTATION]: null, ...MARKS_CLEARED });
          break;
        case 'markMissing':
          current = await deps.actionWriter.annotateUnguarded(current, { [ACTION_MISSING_SINCE_ANNOTATION]: isoTime(step.at) });
          break;
        case 'publish': {
          const id = target(step.id);
          const version = await publish(platform(), id, step.content, step.draftVersion);
          status.version = version;
          events.push({ type: 'Normal', reason: EVENT_REASONS.published, message: `Published version ${version} of action ${id}` });
          break;
        }
        case 'deleteDraft':
          await ignoreNotFound(platform().deleteDraft(step.id));
          break;
        case 'test':
          tested = await platform().testAction(target(step.id), step.input);
          break;
        case 'deleteAction':
          await ignoreNotFound(platform().deleteAction(step.id));
          break;
      }
    }
  } catch (error) {
    return { object: current, status, events, released, tested, error };
  }
  return { object: current, status, events, released, tested, error: undefined };
}

/** The action a step names, or, when it names none, the one this plan created. */
function actionOf(id: string | undefined, createdId: string | undefined): string {
  const chosen = id ?? createdId;
  if (chosen === undefined) throw new Error('The plan names no action and created none');
  return chosen;
}

function create(client: ActionsClient, step: Extract<ActionStep, { type: 'createAction' }>): Promise<Action> {
  return client.createAction(step.integrationId, step.content, { sendWithinMs: CREATE_SEND_WITHIN_MS });
}

/** After a create failed: forget the pending mark when nothing was made, restart its grace when it may have been. */
function pendingAfter(deps: ActionReconcilerDeps, error: unknown): string | null {
  return provesNothingCreated(error) ? null : new Date(deps.now()).toISOString();
}

/** Draft, validate, publish; returns the published version. */
async function publish(client: ActionsClient, id: string, content: ActionContent, existingDraft: number | undefined): Promise<number> {
  const draftVersion = existingDraft ?? (await client.createDraft(id)).version ?? 0;
  const draft = await client.updateDraft(id, content, draftVersion);
  const validation = await client.validateDraft(id);
  if (validation.valid !== true) {
    const reasons = validation.errors.map((e) => e.message ?? e.code ?? 'no detail').join('; ');
    throw new DraftInvalidError(
      `The platform refused the draft of action ${id}, so the published version stays: ${reasons || 'no detail given'}`,
    );
  }
  const published = await client.publishDraft(id, draft.version ?? draftVersion);
  return published.version ?? 0;
}

async function ignoreNotFound(call: Promise<void>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(isPlatformError(error) && error.code === 'NotFound')) throw error;
  }
}
