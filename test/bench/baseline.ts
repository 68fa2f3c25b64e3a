// The baseline: what the Genesys Cloud Terraform provider does for the same integrations
// (docs/platform-facts.md §7 "What TF does on create"), driven with the project's own platform client so that
// both sides share the same budget, retries and HTTP stack. Per integration, one step after another:
// POST credential, POST integration, GET + PUT config (name, notes, properties, credential link),
// PATCH intendedState, then the read-back GET + GET config. TF never waits for reportedState.
import { DataActionIntegrationSchema } from '../../src/api/index.ts';
import { kindOf } from '../../src/integrations/index.ts';
import { createPlatformClient, type PlatformClient } from '../../src/platform/index.ts';
import { OrgSession } from '../../src/reconcile/org-sessions.ts';
import type { Emulator } from '../emulator/index.ts';
import { callsBetween, type RouteCounts } from './call-counts.ts';
import { secretValues, type Json, type Workload } from './workloads.ts';

/** One integration as a Terraform configuration would spell it out. */
export interface BaselineIntegration {
  readonly name: string;
  readonly typeId: string;
  readonly notes: string | undefined;
  readonly enabled: boolean;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly credential: { readonly slot: string; readonly typeName: string; readonly fields: Readonly<Record<string, string>> } | undefined;
}

export interface BaselineRun {
  readonly wallMs: number;
  readonly calls: RouteCounts;
  /** The integration ids made, for the refresh measure. */
  readonly ids: readonly string[];
}

export interface RefreshRun {
  readonly wallMs: number;
  readonly calls: RouteCounts;
}

export function baselineClient(emulator: Emulator, requestsPerMinute: number): PlatformClient {
  return createPlatformClient({
    endpoints: { apiBaseUrl: emulator.baseUrl, loginBaseUrl: emulator.baseUrl },
    clientId: 'emulator-client',
    clientSecret: 'emulator-secret',
    requestsPerMinute,
  });
}

/**
 * The workload as Terraform resources. A Terraform user writes the type ids in the configuration; here
 * they are looked up once, with a client of their own, before anything is counted.
 */
export async function planBaseline(workload: Workload, emulator: Emulator, requestsPerMinute: number): Promise<BaselineIntegration[]> {
  const lookup = new OrgSession('baseline', baselineClient(emulator, requestsPerMinute), '', '');
  const secrets = new Map(workload.objects.filter((o) => o.kind === 'Secret').map((o) => [o.metadata.name as string, o]));
  const planned: BaselineIntegration[] = [];
  for (const object of workload.objects.filter((o) => o.kind === 'DataActionIntegration')) {
    const resource = DataActionIntegrationSchema.parse(object);
    const kind = kindOf(resource.spec.type);
    const resolved = await lookup.resolve(kind, undefined);
    if (resolved === undefined) throw new Error(`The emulator has no ${kind.title} type`);
    const settings = kind.settings === undefined ? undefined : (resource.spec as Record<string, unknown>)[kind.settings.key];
    const plan = kind.credentials(settings);
    let credential: BaselineIntegration['credential'];
    if (plan !== undefined) {
      const secretName = resource.spec.credentials?.secretRef.name ?? '';
      const secret: Json | undefined = secrets.get(secretName);
      if (secret === undefined) throw new Error(`${resource.metadata.name}: no Secret ${secretName} in the workload`);
      const mapped = plan.map(secretValues(secret));
      if (!mapped.ok) throw new Error(`${resource.metadata.name}: ${mapped.issues.map((i) => i.message).join('; ')}`);
      credential = { slot: resolved.credentialSlot, typeName: plan.credentialTypeName, fields: mapped.fields };
    }
    planned.push({
      name: resource.spec.displayName ?? resource.metadata.name,
      typeId: resolved.typeId,
      notes: resource.spec.notes,
      enabled: resource.spec.active,
      properties: kind.properties(settings),
      credential,
    });
  }
  return planned;
}

/** `terraform apply` of the planned integrations on an empty org; `parallelism` resources at once. */
export async function applyBaseline(
  client: PlatformClient,
  emulator: Emulator,
  integrations: readonly BaselineIntegration[],
  parallelism: number,
): Promise<BaselineRun> {
  const before = emulator.control.calls();
  const started = performance.now();
  const ids: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < integrations.length; i = next++) {
      const integration = integrations[i];
      if (integration !== undefined) ids.push(await createAsTerraformDoes(client, integration));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, integrations.length) }, worker));
  const wallMs = performance.now() - started;
  return { wallMs, calls: callsBetween(before, emulator.control.calls()), ids };
}

/** `terraform plan`'s refresh: GET + GET config per integration, the read TF does for every resource. */
export async function refreshBaseline(client: PlatformClient, emulator: Emulator, ids: readonly string[]): Promise<RefreshRun> {
  const before = emulator.control.calls();
  const started = performance.now();
  for (const id of ids) {
    await client.getIntegration(id);
    await client.getConfig(id);
  }
  return { wallMs: performance.now() - started, calls: callsBetween(before, emulator.control.calls()) };
}

async function createAsTerraformDoes(client: PlatformClient, integration: BaselineIntegration): Promise<string> {
  // The credential is its own resource, created before the integration that links it.
  const credentialId =
    integration.credential === undefined
      ? undefined
      : (
          await client.createCredential({
            name: `${integration.name} credential`,
            typeName: integration.credential.typeName,
            fields: integration.credential.fields,
          })
        ).id;
  const { id } = await client.createIntegration({ integrationTypeId: integration.typeId });
  await client.updateConfig(id, (current) => ({
    name: integration.name,
    notes: integration.notes ?? current.notes,
    properties: { ...current.properties, ...integration.properties },
    advanced: current.advanced,
    credentials:
      integration.credential === undefined || credentialId === undefined
        ? current.credentials
        : { ...current.credentials, [integration.credential.slot]: { id: credentialId } },
  }));
  await client.setIntendedState(id, integration.enabled ? 'ENABLED' : 'DISABLED');
  await client.getIntegration(id);
  await client.getConfig(id);
  return id;
}
