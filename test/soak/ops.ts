// The changes a cycle makes, drawn from its seed: create, rename (displayName), rotate (a new Secret value),
// toggle (active), adopt (an integration made by hand) and delete. Each resource changes at most once per
// cycle, so the model after the cycle is what was last applied, whatever order the changes land in.
import type { Rng } from './rng.ts';
import { DISPLAY_NAMES, secretContent, TYPES, type IntegrationType, type OrgObject, type Resource } from './world.ts';

export const OP_KINDS = ['create', 'rename', 'rotate', 'toggle', 'adopt', 'delete'] as const;
export type OpKind = (typeof OP_KINDS)[number];

export interface Op {
  readonly kind: OpKind;
  readonly label: string;
  /** Milliseconds into the cycle. */
  readonly at: number;
  readonly resource: Resource | undefined;
  /** delete: the Secret goes too (a prune). */
  readonly withSecret?: boolean;
}

export interface PlanContext {
  /** The model, changed in place: new resources are added, changed ones updated. */
  readonly resources: Resource[];
  readonly orgs: readonly OrgObject[];
  readonly count: number;
  readonly maxResources: number;
  readonly nextName: () => string;
  /** Makes an integration "by hand" on the org's platform and returns its id. */
  readonly seedHandMade: (org: OrgObject, type: IntegrationType) => string;
}

/** Below this many live resources a cycle only creates. */
const MIN_RESOURCES = 4;

export function planCycleOps(rng: Rng, context: PlanContext, windowMs: number): Op[] {
  const touched = new Set<Resource>();
  const ops: Op[] = [];
  for (let i = 0; i < context.count; i += 1) {
    const op = planOne(rng, context, touched);
    if (op === undefined) continue;
    const at = rng.int(0, windowMs);
    ops.push({ ...op, at });
    const twin = op.kind === 'create' && op.resource !== undefined ? planTwin(rng, context, op.resource) : undefined;
    if (twin !== undefined) {
      touched.add(twin);
      ops.push({ kind: 'create', label: `create ${describe(twin)} (twin)`, resource: twin, at });
    }
  }
  return ops;
}

/**
 * Half the time, a resource created for a real org that two organization objects point at gets a twin with
 * the same display name through the other object, at the same moment: two teams, one org, one name.
 */
function planTwin(rng: Rng, context: PlanContext, resource: Resource): Resource | undefined {
  const other = context.orgs.find((o) => o.platform === resource.org.platform && o.namespace !== resource.namespace);
  const live = context.resources.filter((r) => !r.deleting).length;
  if (other === undefined || live >= context.maxResources || !rng.chance(0.5)) return undefined;
  const twin: Resource = { ...newResource(rng, context, false, other), displayName: resource.displayName };
  context.resources.push(twin);
  return twin;
}

function planOne(rng: Rng, context: PlanContext, touched: Set<Resource>): Omit<Op, 'at'> | undefined {
  const live = context.resources.filter((r) => !r.deleting);
  const untouched = live.filter((r) => !touched.has(r));
  const kind: OpKind =
    live.length < MIN_RESOURCES
      ? rng.pick(['create', 'create', 'adopt'] as const)
      : untouched.length === 0 || (live.length >= context.maxResources && rng.chance(0.5))
        ? rng.pick(live.length >= context.maxResources ? (['delete'] as const) : (['create', 'adopt'] as const))
        : rng.pick(['create', 'rename', 'rename', 'rotate', 'rotate', 'toggle', 'toggle', 'adopt', 'delete', 'delete'] as const);
  if (kind === 'create' || kind === 'adopt') {
    if (live.length >= context.maxResources) return undefined;
    const resource = newResource(rng, context, kind === 'adopt');
    touched.add(resource);
    context.resources.push(resource);
    return { kind, label: `${kind} ${describe(resource)}`, resource };
  }
  const target = untouched.length === 0 ? undefined : rng.pick(untouched);
  if (target === undefined) return undefined;
  touched.add(target);
  switch (kind) {
    case 'rename':
      target.displayName = rng.pick(DISPLAY_NAMES.filter((n) => n !== target.displayName));
      return { kind, label: `rename ${target.namespace}/${target.name} to "${target.displayName}"`, resource: target };
    case 'rotate':
      target.secret = secretContent(target.type, rng);
      return { kind, label: `rotate ${target.namespace}/${target.name}`, resource: target };
    case 'toggle':
      target.active = !target.active;
      return { kind, label: `toggle ${target.namespace}/${target.name} to ${target.active ? 'active' : 'inactive'}`, resource: target };
    default: {
      target.deleting = true;
      const withSecret = rng.chance(0.5);
      return {
        kind: 'delete',
        label: `delete ${target.namespace}/${target.name}${withSecret ? ' with its Secret' : ''}`,
        resource: target,
        withSecret,
      };
    }
  }
}

function newResource(rng: Rng, context: PlanContext, adopt: boolean, inOrg?: OrgObject): Resource {
  const type = rng.pick(TYPES);
  const org = inOrg ?? rng.pick(context.orgs);
  const name = `${context.nextName()}-${type.toLowerCase()}`;
  const displayName = rng.chance(0.7) ? rng.pick(DISPLAY_NAMES) : `Service ${rng.hex(4)}`;
  return {
    namespace: org.namespace,
    name,
    org,
    type,
    displayName,
    active: rng.chance(0.8),
    secret: secretContent(type, rng),
    ...(adopt ? { adoptId: context.seedHandMade(org, type) } : {}),
    // Now and then a typo in organizationRef: the resource can never be Ready, and its deletion must not hang.
    ...(!adopt && inOrg === undefined && rng.chance(0.08) ? { orgRefTypo: true } : {}),
    deleting: false,
  };
}

function describe(resource: Resource): string {
  const org =
    resource.orgRefTypo === true ? `${resource.org.name}-typo (no such organization)` : `${resource.org.name}->${resource.org.platform}`;
  return `${resource.namespace}/${resource.name} (${resource.type}, "${resource.displayName}", org ${org}${resource.active ? '' : ', inactive'})`;
}
