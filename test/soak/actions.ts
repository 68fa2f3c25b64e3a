// The DataActions of the soak: 0 to 3 on some integrations, created with their integration or later,
// changed (template or contract, so a new version is published), deleted (Delete or Orphan) and left behind
// by an integration that is deleted while it still has them. Drawn from their own seeded generator, so that
// the integrations' changes of a seed stay what they were before actions existed.
import type { Json } from './kube.ts';
import type { Op } from './ops.ts';
import type { Rng } from './rng.ts';
import type { IntegrationType, Resource } from './world.ts';

/**
 * The types the soak gives actions: the two the samples of issue 12 use. No type in src/integrations declares
 * that it cannot hold actions, so this is a choice of the soak, not a rule of the operator.
 */
export const ACTION_HOLDERS: readonly IntegrationType[] = ['WebServices', 'GenesysCloud'];
export const MAX_ACTIONS_PER_INTEGRATION = 3;
export const ACTION_CATEGORY = 'Soak';

export type ActionDeletionPolicy = 'Delete' | 'Orphan';

/** One DataAction the soak manages, as it wants it to be, and what the last settle saw of it. */
export interface ActionResource {
  readonly namespace: string;
  readonly name: string;
  readonly integration: Resource;
  /** The name on the platform: unique in the whole run, so that what an Orphan leaves is known by its name. */
  readonly displayName: string;
  /** Which variant of the URL and success templates the spec carries. */
  template: number;
  /** Which variant of the output contract the spec carries. */
  contract: number;
  readonly deletionPolicy: ActionDeletionPolicy;
  /** Set once the soak has asked for its deletion. */
  deleting: boolean;
  /** From the last settle: the action and version its status named, and its integration's platform id. */
  actionId?: string;
  version?: number;
  integrationId?: string;
  /** Set by a change of a published action: the published version must move past it. */
  versionAbove?: number | undefined;
}

export const ACTION_OP_KINDS = ['create-action', 'change-action', 'delete-action'] as const;
export type ActionOpKind = (typeof ACTION_OP_KINDS)[number];

export interface ActionOp {
  readonly kind: ActionOpKind;
  readonly label: string;
  /** Milliseconds into the cycle. */
  readonly at: number;
  readonly action: ActionResource;
  /** create-action: the platform commits the next action create of its org and loses the answer. */
  readonly loseAnswer?: boolean;
}

export interface ActionPlanContext {
  /** The model, changed in place: every action ever planned, deleted ones included (the checks keep using them). */
  readonly actions: ActionResource[];
  readonly resources: readonly Resource[];
  readonly nextName: () => string;
}

/** The URL template, the success template and the output contract of a spec (also what the platform must hold). */
export function actionSpecParts(action: ActionResource): { urlTemplate: string; successTemplate: string; contract: Json } {
  const extra = action.contract === 0 ? {} : { [`field${action.contract}`]: { type: 'string' } };
  return {
    urlTemplate: `https://soak.example.com/${action.name}/v${action.template}/\${input.id}`,
    successTemplate: `{"status": \${status}, "template": ${action.template}}`,
    contract: {
      input: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      output: { type: 'object', properties: { status: { type: 'string' }, ...extra } },
    },
  };
}

export function actionManifest(action: ActionResource): Json {
  const parts = actionSpecParts(action);
  return {
    apiVersion: 'dataactions.dev/v1alpha1',
    kind: 'DataAction',
    metadata: { name: action.name },
    spec: {
      integrationRef: { name: action.integration.name },
      category: ACTION_CATEGORY,
      displayName: action.displayName,
      contract: parts.contract,
      request: { urlTemplate: parts.urlTemplate, method: 'GET', headers: { Accept: 'application/json' } },
      response: { translationMap: { status: '$.status' }, successTemplate: parts.successTemplate },
      timeoutSeconds: 10,
      deletionPolicy: action.deletionPolicy,
    },
  };
}

/** Whether `name` is the platform name of `action` or the name it is created under (the operator's marker). */
export function namesAction(name: string, action: ActionResource): boolean {
  return name === action.displayName || name.startsWith(`${action.displayName} (creating `);
}

const holds = (resource: Resource): boolean => !resource.deleting && resource.orgRefTypo !== true && ACTION_HOLDERS.includes(resource.type);

/**
 * The action changes of a cycle, after the integrations' (`integrationOps`): 0 to 3 actions for each holder
 * created this cycle, applied with it; the deletions an integration's deletion brings (with it, half the time,
 * as a prune does; otherwise the integration waits for them until the next cycle deletes them); then 1 to 2
 * creates, changes or deletes of their own.
 */
export function planActionOps(rng: Rng, context: ActionPlanContext, integrationOps: readonly Op[], windowMs: number): ActionOp[] {
  const touched = new Set<ActionResource>();
  const ops: ActionOp[] = [];
  const push = (op: ActionOp): void => {
    touched.add(op.action);
    ops.push(op);
  };
  for (const op of integrationOps) {
    if (op.kind !== 'create' && op.kind !== 'adopt') continue;
    if (op.resource === undefined || !holds(op.resource)) continue;
    const count = rng.int(0, MAX_ACTIONS_PER_INTEGRATION);
    for (let i = 0; i < count; i += 1) push(createOp(rng, context, op.resource, op.at, ' with its integration'));
  }
  for (const action of context.actions.filter((a) => !a.deleting && a.integration.deleting)) {
    const deletedNow = integrationOps.find((o) => o.kind === 'delete' && o.resource === action.integration);
    // Left for the next cycle, the integration must wait for it.
    if (deletedNow !== undefined && rng.chance(0.5)) continue;
    push(
      deleteOp(
        action,
        deletedNow?.at ?? rng.int(0, windowMs),
        deletedNow === undefined ? ' (its integration waits)' : ' with its integration',
      ),
    );
  }
  const own = rng.int(1, 2);
  for (let i = 0; i < own; i += 1) {
    const op = planOwn(rng, context, touched, rng.int(0, windowMs));
    if (op !== undefined) push(op);
  }
  return ops;
}

function planOwn(rng: Rng, context: ActionPlanContext, touched: Set<ActionResource>, at: number): ActionOp | undefined {
  const live = context.actions.filter((a) => !a.deleting && !touched.has(a) && !a.integration.deleting);
  const roomy = context.resources.filter(
    (r) => holds(r) && context.actions.filter((a) => !a.deleting && a.integration === r).length < MAX_ACTIONS_PER_INTEGRATION,
  );
  const kinds: ActionOpKind[] = [
    ...(roomy.length > 0 ? (['create-action', 'create-action'] as const) : []),
    ...(live.length > 0 ? (['change-action', 'change-action', 'delete-action'] as const) : []),
  ];
  if (kinds.length === 0) return undefined;
  const kind = rng.pick(kinds);
  if (kind === 'create-action') return createOp(rng, context, rng.pick(roomy), at, '');
  const target = rng.pick(live);
  if (kind === 'delete-action') return deleteOp(target, at, '');
  const part = rng.chance(0.5) ? 'template' : 'contract';
  target[part] += 1;
  // Only a change of a published action can be held to a new version; an unpublished one is checked as any other.
  if (target.version !== undefined) target.versionAbove = target.version;
  return { kind, label: `change the ${part} of ${target.namespace}/${target.name}`, at, action: target };
}

function createOp(rng: Rng, context: ActionPlanContext, integration: Resource, at: number, how: string): ActionOp {
  const name = context.nextName();
  const action: ActionResource = {
    namespace: integration.namespace,
    name,
    integration,
    displayName: `Soak lookup ${name}`,
    template: 0,
    contract: 0,
    deletionPolicy: rng.chance(0.3) ? 'Orphan' : 'Delete',
    deleting: false,
  };
  context.actions.push(action);
  return {
    // A fault drawn at a random moment seldom meets a create: one in four creates meets one for sure.
    loseAnswer: rng.chance(0.25),
    kind: 'create-action',
    label: `create action ${action.namespace}/${name} on ${integration.name}${how}${action.deletionPolicy === 'Orphan' ? ' (Orphan)' : ''}`,
    at,
    action,
  };
}

function deleteOp(action: ActionResource, at: number, how: string): ActionOp {
  action.deleting = true;
  return {
    kind: 'delete-action',
    label: `delete action ${action.namespace}/${action.name} (${action.deletionPolicy})${how}`,
    at,
    action,
  };
}

/** Adds an action to an integration through the platform API, as someone would in the admin UI; returns its id. */
export async function makeActionByHand(
  baseUrl: string,
  client: { clientId: string; clientSecret: string },
  integrationId: string,
  name: string,
): Promise<string> {
  const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
  const login = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const body = {
    name,
    category: 'By hand',
    integrationId,
    contract: { input: { inputSchema: { type: 'object' } }, output: { successSchema: { type: 'object' } } },
    config: { request: { requestUrlTemplate: 'https://elsewhere.example.com/', requestType: 'GET' }, response: {} },
  };
  const created = await fetch(`${baseUrl}/api/v2/integrations/actions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!created.ok) throw new Error(`Making action "${name}" by hand answered ${created.status}`);
  return ((await created.json()) as { id: string }).id;
}
