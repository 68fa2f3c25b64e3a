// The promises the soak checks after every cycle, as pure functions of what it observed: the emulators'
// stored state, the DataActionIntegrations in the API server, and the texts a user can read.
import type { StateSnapshot } from '../emulator/index.ts';
import { checkActions, waitingForActions, type ActionObservation } from './action-invariants.ts';
import type { Json } from './kube.ts';
import { rotationProbe, type Resource } from './world.ts';

export const VIOLATION_KINDS = [
  'orphan-integration',
  'orphan-temporary-name',
  'orphan-credential',
  'duplicate-integration',
  'shared-integration-id',
  'duplicate-name',
  'not-converged',
  'dishonest-condition',
  'stuck-deleting',
  'status-mismatch',
  'spec-mismatch',
  'secret-leak',
  'hand-made-touched',
  'leftover',
  'duplicate-action',
  'orphan-action',
  'action-left-behind',
  'orphaned-action-gone',
  'deleted-under-actions',
  'action-not-converged',
  'action-spec-mismatch',
] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

export interface Violation {
  readonly kind: ViolationKind;
  readonly detail: string;
}

type StoredIntegration = StateSnapshot['integrations'][number];

/** An integration made in the emulator "by hand" (admin UI), which no resource owns unless one adopts it. */
export interface HandMade {
  readonly platform: number;
  readonly id: string;
  readonly name: string;
  adopted: boolean;
}

export interface Observation extends ActionObservation {
  /** One state per emulator (real org), indexed as OrgObject.platform. */
  readonly platforms: readonly StateSnapshot[];
  /** The DataActionIntegrations in the API server, every namespace the soak uses. */
  readonly objects: readonly Json[];
  readonly resources: readonly Resource[];
  readonly handMade: readonly HandMade[];
}

const READY = (o: Json): Json | undefined => (o.status?.conditions as Json[] | undefined)?.find((c) => c.type === 'Ready');
const keyOf = (namespace: string, name: string): string => `${namespace}/${name}`;

/** Every invariant that must hold once faults are cleared and the operator had time to settle. */
export function checkSettled(observation: Observation): Violation[] {
  return [...checkPlatform(observation), ...checkResources(observation), ...checkActions(observation)];
}

/** Ownership, duplicates and names: what the platform holds against what the resources claim. */
export function checkPlatform({ platforms, objects, handMade }: Observation): Violation[] {
  const violations: Violation[] = [];
  const claimed = new Map<string, string[]>();
  const credentialOwners = new Map<string, string[]>();
  for (const object of objects) {
    const id = object.status?.integrationId as string | undefined;
    const who = keyOf(object.metadata.namespace as string, object.metadata.name as string);
    if (id !== undefined) claimed.set(id, [...(claimed.get(id) ?? []), who]);
    const credentialId = object.status?.credentialId as string | undefined;
    if (credentialId !== undefined) credentialOwners.set(credentialId, [...(credentialOwners.get(credentialId) ?? []), who]);
  }
  for (const [id, owners] of claimed) {
    if (owners.length > 1) violations.push({ kind: 'shared-integration-id', detail: `${id} is claimed by ${owners.join(', ')}` });
  }
  const unadopted = new Set(handMade.filter((h) => !h.adopted).map((h) => h.id));
  platforms.forEach((state, platform) => {
    const live = state.integrations.filter((i) => i.deletedAt === undefined);
    for (const integration of live) {
      if (claimed.has(integration.id) || unadopted.has(integration.id)) continue;
      const kind = integration.name.includes('(creating ') ? 'orphan-temporary-name' : 'orphan-integration';
      violations.push({ kind, detail: `org ${platform}: ${describe(integration)} is owned by no resource` });
    }
    for (const object of objects) {
      const uid = object.metadata.uid as string;
      const carrying = live.filter((i) => i.name.includes(uid) || i.notes.includes(uid));
      if (carrying.length > 1)
        violations.push({
          kind: 'duplicate-integration',
          detail: `org ${platform}: ${keyOf(object.metadata.namespace as string, object.metadata.name as string)} has ${carrying.length} integrations: ${carrying.map(describe).join('; ')}`,
        });
    }
    const byName = new Map<string, StoredIntegration[]>();
    for (const integration of live) byName.set(integration.name, [...(byName.get(integration.name) ?? []), integration]);
    for (const [name, same] of byName) {
      if (same.length > 1)
        violations.push({
          kind: 'duplicate-name',
          detail: `org ${platform}: ${same.length} integrations named "${name}": ${same.map((i) => i.id).join(', ')}`,
        });
    }
    for (const credential of state.credentials) {
      if (!credentialOwners.has(credential.id))
        violations.push({
          kind: 'orphan-credential',
          detail: `org ${platform}: credential ${credential.id} "${credential.name}" is owned by no resource`,
        });
    }
  });
  for (const hand of handMade.filter((h) => !h.adopted)) {
    const found = platforms[hand.platform]?.integrations.find((i) => i.id === hand.id && i.deletedAt === undefined);
    if (found === undefined)
      violations.push({ kind: 'hand-made-touched', detail: `org ${hand.platform}: ${hand.id} "${hand.name}" made by hand is gone` });
    else if (found.name !== hand.name)
      violations.push({
        kind: 'hand-made-touched',
        detail: `org ${hand.platform}: ${hand.id} made by hand as "${hand.name}" is now "${found.name}"`,
      });
  }
  return violations;
}

/** Each resource: converged, its status true to the platform, the platform true to its spec. */
export function checkResources({ platforms, objects, resources, actions }: Observation): Violation[] {
  const violations: Violation[] = [];
  // Deleted while DataActions still name it, an integration waits for them (checked with the actions).
  const waiting = waitingForActions(actions);
  for (const resource of resources) {
    const who = keyOf(resource.namespace, resource.name);
    const object = objects.find((o) => o.metadata.namespace === resource.namespace && o.metadata.name === resource.name);
    if (resource.deleting) {
      if (object !== undefined && !waiting.has(resource))
        violations.push({
          kind: 'stuck-deleting',
          detail: `${who} is still there after its deletion (${JSON.stringify(object.metadata.finalizers ?? [])})`,
        });
      continue;
    }
    if (object === undefined) {
      violations.push({ kind: 'not-converged', detail: `${who} does not exist` });
      continue;
    }
    const ready = READY(object);
    if (resource.orgRefTypo === true) {
      violations.push(...typoResource(who, object));
      continue;
    }
    if (ready?.status !== 'True' || object.status?.observedGeneration !== object.metadata.generation) {
      violations.push({
        kind: 'not-converged',
        detail: `${who} Ready=${String(ready?.status)} (${String(ready?.reason)}: ${String(ready?.message)}) generation ${String(object.metadata.generation)} observed ${String(object.status?.observedGeneration)}`,
      });
      continue;
    }
    violations.push(...statusAgainstPlatform(resource, object, platforms[resource.org.platform]));
  }
  return violations;
}

/** A resource whose organizationRef names nothing: Ready=False at its generation, and no integration. */
function typoResource(who: string, object: Json): Violation[] {
  const ready = READY(object);
  const out: Violation[] = [];
  if (ready?.status !== 'False' || object.status?.observedGeneration !== object.metadata.generation)
    out.push({
      kind: 'dishonest-condition',
      detail: `${who} names no organization but reports Ready=${String(ready?.status)} (${String(ready?.reason)}) at observed generation ${String(object.status?.observedGeneration)} of ${String(object.metadata.generation)}`,
    });
  if (object.status?.integrationId !== undefined)
    out.push({
      kind: 'dishonest-condition',
      detail: `${who} names no organization but claims integration ${String(object.status.integrationId)}`,
    });
  return out;
}

function statusAgainstPlatform(resource: Resource, object: Json, state: StateSnapshot | undefined): Violation[] {
  const who = keyOf(resource.namespace, resource.name);
  const status = (object.status ?? {}) as Json;
  const integration = state?.integrations.find((i) => i.id === status.integrationId && i.deletedAt === undefined);
  if (integration === undefined)
    return [{ kind: 'status-mismatch', detail: `${who} names integration ${String(status.integrationId)}, which is not on the platform` }];
  const out: Violation[] = [];
  const mismatch = (what: string, statusValue: unknown, platformValue: unknown): void => {
    if (statusValue !== platformValue)
      out.push({
        kind: 'status-mismatch',
        detail: `${who} status ${what} ${JSON.stringify(statusValue)}, platform ${JSON.stringify(platformValue)}`,
      });
  };
  mismatch('platformName', status.platformName, integration.name);
  mismatch('state', status.state, integration.reportedState);
  mismatch('credentialId', status.credentialId, Object.values(integration.credentials)[0]);
  mismatch('integration-id annotation', object.metadata.annotations?.['dataactions.dev/integration-id'], integration.id);
  if (resource.adoptId !== undefined) mismatch('integrationId (adopted)', status.integrationId, resource.adoptId);
  const wrong = (detail: string): void => {
    out.push({ kind: 'spec-mismatch', detail: `${who} ${detail}` });
  };
  if (!nameFitsBase(integration.name, resource.displayName))
    wrong(`wants "${resource.displayName}" but the platform has "${integration.name}"`);
  const wantedState = resource.active ? 'ACTIVE' : 'INACTIVE';
  if (integration.reportedState !== wantedState) wrong(`wants ${wantedState} but the platform reports ${integration.reportedState}`);
  const credential = state?.credentials.find((c) => c.id === Object.values(integration.credentials)[0]);
  const probe = rotationProbe(resource);
  if (credential === undefined) wrong('has no credential linked on the platform');
  else if (probe !== '' && !JSON.stringify(credential.fields).includes(probe))
    wrong(`has a credential without the current Secret value (rotation not applied)`);
  return out;
}

/** After the final delete: nothing the operator made is left on the platform, and no resource remains. */
export function checkNothingLeft({ platforms, objects, actionObjects, handMade }: Observation): Violation[] {
  const violations: Violation[] = [];
  const unadopted = new Set(handMade.filter((h) => !h.adopted).map((h) => h.id));
  platforms.forEach((state, platform) => {
    for (const integration of state.integrations.filter((i) => i.deletedAt === undefined && !unadopted.has(i.id)))
      violations.push({ kind: 'leftover', detail: `org ${platform}: ${describe(integration)} is left after every resource was deleted` });
    for (const credential of state.credentials)
      violations.push({
        kind: 'leftover',
        detail: `org ${platform}: credential ${credential.id} "${credential.name}" is left after every resource was deleted`,
      });
  });
  for (const object of [...objects, ...actionObjects])
    violations.push({
      kind: 'stuck-deleting',
      detail: `${object.kind === undefined ? '' : `${String(object.kind)} `}${keyOf(object.metadata.namespace as string, object.metadata.name as string)} is still there after the final delete`,
    });
  return violations;
}

/** Texts that carry a secret value: log lines, Events, statuses. Names the value only by its first characters. */
export function secretLeaks(where: string, texts: readonly string[], secrets: ReadonlySet<string>): Violation[] {
  const violations: Violation[] = [];
  for (const text of texts) {
    for (const secret of secrets) {
      if (text.includes(secret)) {
        violations.push({
          kind: 'secret-leak',
          detail: `${where} holds the secret value ${secret.slice(0, 12)}…: ${redact(text, secret).slice(0, 300)}`,
        });
      }
    }
  }
  return violations;
}

/** The operator's own rule (src/reconcile/names.ts): `base` or `base N` with N ≥ 2. */
function nameFitsBase(name: string, base: string): boolean {
  if (name === base) return true;
  if (!name.startsWith(`${base} `)) return false;
  const suffix = name.slice(base.length + 1);
  return /^[1-9][0-9]*$/.test(suffix) && Number(suffix) >= 2;
}

function describe(integration: StoredIntegration): string {
  return `${integration.id} "${integration.name}"`;
}

function redact(text: string, secret: string): string {
  return text.split(secret).join('<SECRET>');
}
