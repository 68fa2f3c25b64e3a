// The promises of the DataActions, checked with the others once a cycle settled: at most one platform action
// per DataAction, none that nobody owns, Delete leaves nothing, Orphan leaves its action, an integration waits
// for its actions, and every action of a Ready integration is Ready with its spec published.
import type { StateSnapshot, StoredAction } from '../emulator/index.ts';
import { ACTION_CATEGORY, actionSpecParts, namesAction, type ActionResource } from './actions.ts';
import type { Json } from './kube.ts';
import type { Violation } from './invariants.ts';
import type { Resource } from './world.ts';

export interface ActionObservation {
  /** One state per emulator (real org), indexed as OrgObject.platform. */
  readonly platforms: readonly StateSnapshot[];
  /** The DataActionIntegrations in the API server. */
  readonly objects: readonly Json[];
  /** The DataActions in the API server. */
  readonly actionObjects: readonly Json[];
  /** Every action stored on each platform (real org), indexed as OrgObject.platform. */
  readonly platformActions: readonly (readonly StoredAction[])[];
  /** The soak's model: every action it ever planned, deleted ones included. */
  readonly actions: readonly ActionResource[];
  /** Ids of actions made by hand on the platform (someone else's), which no DataAction owns. */
  readonly handActions: ReadonlySet<string>;
}

const keyOf = (o: { namespace: string; name: string }): string => `${o.namespace}/${o.name}`;
const objectOf = (objects: readonly Json[], o: { namespace: string; name: string }): Json | undefined =>
  objects.find((x) => x.metadata.namespace === o.namespace && x.metadata.name === o.name);
const readyOf = (o: Json | undefined): Json | undefined => (o?.status?.conditions as Json[] | undefined)?.find((c) => c.type === 'Ready');

/** Ready=True at its generation and not being deleted: its actions deserve to be published. */
function integrationReady(object: Json | undefined): boolean {
  return (
    object !== undefined &&
    object.metadata.deletionTimestamp === undefined &&
    readyOf(object)?.status === 'True' &&
    object.status?.observedGeneration === object.metadata.generation
  );
}

export function checkActions(observation: ActionObservation): Violation[] {
  return [...checkActionModels(observation), ...checkPlatformActions(observation)];
}

/** Each action the soak asked for: deleted as its policy says, or converged with its spec published. */
function checkActionModels(observation: ActionObservation): Violation[] {
  const violations: Violation[] = [];
  for (const action of observation.actions) {
    const object = objectOf(observation.actionObjects, action);
    if (action.deleting) violations.push(...deletedAction(observation, action, object));
    else violations.push(...liveAction(observation, action, object));
  }
  return violations;
}

function deletedAction(observation: ActionObservation, action: ActionResource, object: Json | undefined): Violation[] {
  const who = keyOf(action);
  if (object !== undefined)
    return [
      {
        kind: 'stuck-deleting',
        detail: `DataAction ${who} is still there after its deletion (${JSON.stringify(object.metadata.finalizers ?? [])})`,
      },
    ];
  const stored = observation.platformActions[action.integration.org.platform] ?? [];
  if (action.deletionPolicy === 'Delete') {
    const left = stored.filter((a) => namesAction(a.name, action));
    return left.map((a) => ({
      kind: 'action-left-behind',
      detail: `DataAction ${who} was deleted with deletionPolicy Delete but action ${a.id} "${a.name}" is still on integration ${a.integrationId}`,
    }));
  }
  // Orphan: what it published stays, as long as its integration does (the platform takes an integration's actions with it).
  if (action.actionId === undefined) return [];
  if (!platformIntegrationLives(observation, action) || stored.some((a) => a.id === action.actionId)) return [];
  return [
    {
      kind: 'orphaned-action-gone',
      detail: `DataAction ${who} was deleted with deletionPolicy Orphan but its action ${action.actionId} is gone from integration ${String(action.integrationId)}`,
    },
  ];
}

function platformIntegrationLives(observation: ActionObservation, action: ActionResource): boolean {
  const state = observation.platforms[action.integration.org.platform];
  return state?.integrations.some((i) => i.id === action.integrationId && i.deletedAt === undefined) ?? false;
}

function liveAction(observation: ActionObservation, action: ActionResource, object: Json | undefined): Violation[] {
  const who = keyOf(action);
  const integration = objectOf(observation.objects, action.integration);
  if (action.integration.deleting) {
    // An integration being deleted waits for its actions: it is still there, and so is its platform integration.
    const gone =
      integration === undefined
        ? 'is gone'
        : action.integrationId !== undefined && !platformIntegrationLives(observation, action)
          ? `still exists but its integration ${action.integrationId} is gone from the platform`
          : undefined;
    if (gone === undefined) return [];
    return [
      {
        kind: 'deleted-under-actions',
        detail: `DataActionIntegration ${keyOf(action.integration)} ${gone} while its DataAction ${who} is still there`,
      },
    ];
  }
  if (object === undefined) return [{ kind: 'action-not-converged', detail: `DataAction ${who} does not exist` }];
  if (!integrationReady(integration)) return [];
  const ready = readyOf(object);
  if (ready?.status !== 'True' || object.status?.observedGeneration !== object.metadata.generation)
    return [
      {
        kind: 'action-not-converged',
        detail: `DataAction ${who} Ready=${String(ready?.status)} (${String(ready?.reason)}: ${String(ready?.message)}) generation ${String(object.metadata.generation)} observed ${String(object.status?.observedGeneration)}, its integration Ready`,
      },
    ];
  return publishedAsSpec(observation, action, object, integration!);
}

/** The action the status names is on the platform, on the integration, with the spec's name, contract and templates. */
function publishedAsSpec(observation: ActionObservation, action: ActionResource, object: Json, integration: Json): Violation[] {
  const who = `DataAction ${keyOf(action)}`;
  const status = (object.status ?? {}) as Json;
  const stored = (observation.platformActions[action.integration.org.platform] ?? []).find((a) => a.id === status.actionId);
  if (stored === undefined)
    return [{ kind: 'action-not-converged', detail: `${who} names action ${String(status.actionId)}, which is not on the platform` }];
  const out: Violation[] = [];
  const wrong = (detail: string): void => void out.push({ kind: 'action-spec-mismatch', detail: `${who} ${detail}` });
  const parts = actionSpecParts(action);
  if (stored.integrationId !== integration.status?.integrationId)
    wrong(`is on integration ${stored.integrationId}, its integration is ${String(integration.status?.integrationId)}`);
  if (stored.name !== action.displayName) wrong(`wants the name "${action.displayName}" but the platform has "${stored.name}"`);
  if (stored.category !== ACTION_CATEGORY) wrong(`wants the category "${ACTION_CATEGORY}" but the platform has "${stored.category}"`);
  const contract = { input: { inputSchema: parts.contract.input }, output: { successSchema: parts.contract.output } };
  if (canonical(stored.contract) !== canonical(contract)) wrong(`contract (variant ${action.contract}) is not the published one`);
  const config = stored.config as Json;
  if (config.request?.requestUrlTemplate !== parts.urlTemplate || config.response?.successTemplate !== parts.successTemplate)
    wrong(`templates (variant ${action.template}) are not the published ones`);
  if (status.version !== stored.version) wrong(`status version ${String(status.version)}, platform ${stored.version}`);
  if (action.versionAbove !== undefined && stored.version <= action.versionAbove)
    wrong(`was changed at published version ${action.versionAbove} but the platform is still at version ${stored.version}`);
  return out;
}

/** What the platform holds on integrations the operator made: one action per DataAction, and none nobody owns. */
function checkPlatformActions(observation: ActionObservation): Violation[] {
  const violations: Violation[] = [];
  const managed = new Set(observation.objects.map((o) => o.status?.integrationId as string | undefined).filter((id) => id !== undefined));
  const owned = new Set(observation.actionObjects.map((o) => o.status?.actionId as string | undefined).filter((id) => id !== undefined));
  const orphaned = observation.actions.filter((a) => a.deleting && a.deletionPolicy === 'Orphan');
  observation.platformActions.forEach((stored, platform) => {
    for (const action of observation.actions.filter((a) => a.integration.org.platform === platform)) {
      const carrying = stored.filter((a) => namesAction(a.name, action));
      if (carrying.length > 1)
        violations.push({
          kind: 'duplicate-action',
          detail: `org ${platform}: DataAction ${keyOf(action)} has ${carrying.length} actions: ${carrying.map((a) => `${a.id} "${a.name}" on ${a.integrationId}`).join('; ')}`,
        });
    }
    for (const action of stored) {
      if (!managed.has(action.integrationId) || owned.has(action.id) || observation.handActions.has(action.id)) continue;
      if (orphaned.some((a) => a.integration.org.platform === platform && namesAction(action.name, a))) continue;
      violations.push({
        kind: 'orphan-action',
        detail: `org ${platform}: action ${action.id} "${action.name}" on integration ${action.integrationId} belongs to no DataAction`,
      });
    }
  });
  return violations;
}

function canonical(value: unknown): string {
  return JSON.stringify(sorted(value)) ?? '';
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sorted(v)]),
  );
}

/** Integrations the soak still wants deleted that wait for their actions: they are not stuck. */
export function waitingForActions(actions: readonly ActionResource[]): ReadonlySet<Resource> {
  return new Set(actions.filter((a) => !a.deleting && a.integration.deleting).map((a) => a.integration));
}
