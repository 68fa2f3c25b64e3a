// What the DataAction reconciler observes and decides: plain data, so action-decide stays pure and is
// tested by a table of named scenarios, as decide.ts is for integrations.
import type { DataAction, DataActionStatus, DeletionPolicy, SyncedReason } from '../api/index.ts';
import type { ActionContent } from '../platform/index.ts';
import type { Verdict } from './model.ts';

export interface ObservedActionResource {
  readonly uid: string;
  readonly generation: number;
  readonly deleting: boolean;
  readonly hasFinalizer: boolean;
  /** `dataactions.dev/action-id`: set by a user to adopt, or by the operator after a create. */
  readonly annotatedId: string | undefined;
  /** `dataactions.dev/create-pending`, as epoch ms. */
  readonly createPendingSince: number | undefined;
  /** `dataactions.dev/action-missing-since`, as epoch ms: when the recorded action first answered 404. */
  readonly actionMissingSince: number | undefined;
  readonly deletionPolicy: DeletionPolicy;
  /** spec.test.input, when a test is asked for. */
  readonly testInput: Readonly<Record<string, unknown>> | undefined;
  readonly status: DataActionStatus;
}

/** What the spec asks for on the platform. */
export interface DesiredAction {
  readonly integrationId: string;
  readonly content: ActionContent;
}

export interface ActionBlocker {
  readonly reason: SyncedReason;
  readonly message: string;
  /** A deletion can still go ahead (e.g. a missing template does not matter for a delete). */
  readonly allowsDeletion: boolean;
}

export interface PlatformAction {
  readonly id: string;
  readonly integrationId: string | undefined;
  readonly version: number;
  readonly content: ActionContent;
}

export type ObservedActionPlatform =
  | { readonly kind: 'skipped' }
  /** The action found by its id, its draft if it has one, and another action of the integration holding the wanted name. */
  | {
      readonly kind: 'found';
      readonly action: PlatformAction;
      readonly draftVersion: number | undefined;
      readonly nameHeldBy: string | undefined;
    }
  /**
   * The recorded or annotated id answered 404; `listed`: a listing still shows it under its name or its
   * creation marker (a read that lags).
   */
  | { readonly kind: 'missing'; readonly id: string; readonly listed: boolean }
  /**
   * No id known: one listing of the integration's actions, by the wanted name, or, while a create is marked
   * pending, all of them (also searched for this resource's creation marker). `nameHeldBy`: another action
   * of the integration already carries the wanted name.
   */
  | { readonly kind: 'searched'; readonly markerMatch: string | undefined; readonly nameHeldBy?: string | undefined };

export interface ActionObservation {
  readonly now: number;
  readonly resource: ObservedActionResource;
  readonly desired: DesiredAction | undefined;
  readonly blocker: ActionBlocker | undefined;
  readonly platform: ObservedActionPlatform;
}

export type ActionStep =
  | { readonly type: 'addFinalizer' }
  | { readonly type: 'removeFinalizer' }
  | { readonly type: 'markCreatePending' }
  | { readonly type: 'createAction'; readonly integrationId: string; readonly content: ActionContent }
  | { readonly type: 'recordActionId'; readonly id: string }
  | { readonly type: 'forgetActionId' }
  /** Sets the time (epoch ms) the grace for a 404 is counted from; recording or forgetting the id clears it. */
  | { readonly type: 'markMissing'; readonly at: number }
  /**
   * Writes the content to the action's draft (making one when `draftVersion` is undefined), validates it,
   * publishes it. `id` undefined: the action the createAction step of this plan made (its id is in the answer).
   */
  | {
      readonly type: 'publish';
      readonly id: string | undefined;
      readonly content: ActionContent;
      readonly draftVersion: number | undefined;
    }
  | { readonly type: 'deleteDraft'; readonly id: string }
  /** `id` undefined: the action the createAction step of this plan made. */
  | { readonly type: 'test'; readonly id: string | undefined; readonly input: Readonly<Record<string, unknown>> }
  | { readonly type: 'deleteAction'; readonly id: string };

export interface ActionDecision extends Verdict<DataActionStatus> {
  readonly steps: readonly ActionStep[];
  /**
   * Set when the plan creates and publishes an action: how the pass ends once the publish has answered (the
   * answer gives the version), so the action is Ready in this pass with no confirming pass (afterActionAct).
   */
  readonly onPublished?: { readonly platformName: string; readonly requeueAfterMs: number | undefined } | undefined;
}

/**
 * What a DataAction's spec asks the platform to hold (PostActionInput / UpdateDraftInput), with its templates
 * already read (inline or from their ConfigMaps). Fields the spec leaves out are left out, not sent as null.
 */
export function actionContentOf(
  resource: DataAction,
  templates: { readonly request: string | undefined; readonly success: string | undefined },
): ActionContent {
  const { spec } = resource;
  const content: ActionContent = {
    name: spec.displayName ?? resource.metadata.name,
    category: spec.category,
    secure: spec.secure,
    contract: { input: { inputSchema: spec.contract.input }, output: { successSchema: spec.contract.output } },
    config: {
      request: {
        requestUrlTemplate: spec.request.urlTemplate,
        requestType: spec.request.method,
        headers: spec.request.headers,
        requestTemplate: templates.request,
      },
      response: {
        translationMap: spec.response?.translationMap,
        translationMapDefaults: spec.response?.translationMapDefaults,
        successTemplate: templates.success,
      },
      timeoutSeconds: spec.timeoutSeconds,
    },
  };
  return JSON.parse(JSON.stringify(content)) as ActionContent;
}
