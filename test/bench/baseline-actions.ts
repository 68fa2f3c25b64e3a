// B5's baseline: what the Genesys Cloud Terraform provider does to create data actions
// (docs/platform-facts.md §11, from genesyscloud/integration_action/resource_genesyscloud_integration_action.go,
// its createIntegrationAction and readIntegrationAction, and genesyscloud_integration_action_proxy.go). Per
// action: POST the action (published at once), then the read after create: GET it with expand=contract and
// includeConfig=true, and GET its request and success templates (templates/requesttemplate.vm,
// templates/successtemplate.vm). No draft, no validation, no publish. Driven with the project's own actions
// client and transport, on one budget, so that both sides share the same retries and HTTP stack.
import { DataActionSchema, type DataAction } from '../../src/api/index.ts';
import { TokenSource, trimSlash } from '../../src/platform/auth.ts';
import { systemClock } from '../../src/platform/clock.ts';
import {
  createActionsClient,
  createRequestBudget,
  DEFAULT_RETRY_POLICY,
  type ActionContent,
  type ActionsClient,
} from '../../src/platform/index.ts';
import { StatsRecorder } from '../../src/platform/stats.ts';
import { Transport } from '../../src/platform/transport.ts';
import { actionContentOf } from '../../src/reconcile/action-model.ts';
import type { Emulator } from '../emulator/index.ts';
import { callsBetween, type RouteCounts } from './call-counts.ts';
import type { Json } from './workloads.ts';

/** The template files the provider reads back after a create (`reqTemplateFileName`, `successTemplateFileName`). */
const TEMPLATE_FILES = ['requesttemplate.vm', 'successtemplate.vm'] as const;

export interface ActionBaselineRun {
  readonly wallMs: number;
  readonly calls: RouteCounts;
}

/** What the provider's calls need: the actions client, and a template read on the same budget. */
export interface ActionBaselineClient {
  readonly actions: ActionsClient;
  readTemplate(id: string, fileName: string): Promise<string>;
}

export function actionBaselineClient(emulator: Emulator, requestsPerMinute: number): ActionBaselineClient {
  const endpoints = { apiBaseUrl: emulator.baseUrl, loginBaseUrl: emulator.baseUrl };
  const credentials = { clientId: 'emulator-client', clientSecret: 'emulator-secret' };
  const budget = createRequestBudget({ requestsPerMinute });
  const actions = createActionsClient({ endpoints, ...credentials, budget });
  // The project's client has no template read (the operator never needs one); the same transport and budget make it.
  const clock = systemClock;
  const stats = new StatsRecorder();
  const transport = new Transport({ fetch: globalThis.fetch, clock, budget, timeoutMs: 20_000, retry: DEFAULT_RETRY_POLICY, stats });
  const tokens = new TokenSource({ transport, loginBaseUrl: endpoints.loginBaseUrl, ...credentials, clock, stats });
  const route = '/api/v2/integrations/actions/{id}/templates/{fileName}';
  return {
    actions,
    async readTemplate(id, fileName) {
      let used = '';
      const response = await transport.send({
        method: 'GET',
        url: `${trimSlash(endpoints.apiBaseUrl)}/api/v2/integrations/actions/${encodeURIComponent(id)}/templates/${fileName}`,
        route,
        headers: async () => {
          used = await tokens.token();
          return { authorization: `Bearer ${used}`, accept: '*/*' };
        },
        repeatable: true,
        onUnauthorized: () => tokens.invalidate(used),
      });
      return response.text;
    },
  };
}

/** The DataActions as Terraform resources: the content each create sends, templates from their ConfigMaps resolved. */
export function planActionBaseline(objects: readonly Json[]): ActionContent[] {
  const configMaps = new Map(
    objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name as string, o.data as Record<string, string>]),
  );
  const text = (inline: string | undefined, from: { configMapKeyRef: { name: string; key: string } } | undefined): string | undefined =>
    from === undefined ? inline : configMaps.get(from.configMapKeyRef.name)?.[from.configMapKeyRef.key];
  return objects
    .filter((o) => o.kind === 'DataAction')
    .map((o) => {
      const resource: DataAction = DataActionSchema.parse(o);
      const { spec } = resource;
      return actionContentOf(resource, {
        request: text(spec.request.requestTemplate, spec.request.requestTemplateFrom),
        success: text(spec.response?.successTemplate, spec.response?.successTemplateFrom),
      });
    });
}

/** `terraform apply` of the planned actions on an existing integration; `parallelism` resources at once. */
export async function applyActionBaseline(
  client: ActionBaselineClient,
  emulator: Emulator,
  integrationId: string,
  actions: readonly ActionContent[],
  parallelism: number,
): Promise<ActionBaselineRun> {
  const before = emulator.control.calls();
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < actions.length; i = next++) {
      const action = actions[i];
      if (action !== undefined) await createAsTerraformDoes(client, integrationId, action);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, actions.length) }, worker));
  return { wallMs: performance.now() - started, calls: callsBetween(before, emulator.control.calls()) };
}

async function createAsTerraformDoes(client: ActionBaselineClient, integrationId: string, action: ActionContent): Promise<void> {
  const { id } = await client.actions.createAction(integrationId, action);
  await client.actions.getAction(id);
  for (const file of TEMPLATE_FILES) await client.readTemplate(id, file);
}
