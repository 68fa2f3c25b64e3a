// DataActions end to end: the action samples reach Ready on their integrations, a template change publishes
// a new version through a validated draft, a draft the platform refuses leaves the published action as it
// was, and an integration with actions waits for them before it goes.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { connect, type Api } from '../emulator/harness.ts';
import { createTestNamespace } from '../testbed/namespace.ts';
import {
  apply,
  condition,
  getObject,
  kubectl,
  repoRoot,
  samples,
  startOperator,
  startPlatform,
  stopAllOperators,
  waitFor,
  waitForEvent,
  withRequestsPerMinute,
  type Json,
  type Platform,
} from './harness.ts';

const ACTIONS_DIR = join(repoRoot, 'deploy', 'samples', 'actions');
const actionSamples = readdirSync(ACTIONS_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(readFileSync(join(ACTIONS_DIR, f), 'utf8')).map((d) => d.toJSON() as Json));
const integrationSamples = samples()
  .filter((s) => s.file === 'web-services.yaml' || s.file === 'genesys-cloud.yaml')
  .flatMap((s) => s.objects);

async function patchAction(namespace: string, name: string, spec: Json): Promise<void> {
  await kubectl(['patch', 'da', name, '-n', namespace, '--type', 'merge', '-p', JSON.stringify({ spec })]);
}

/** The DataAction once Ready is True for its current generation and Synced True. */
async function waitForPublished(namespace: string, name: string, version?: number): Promise<Json> {
  return waitFor(`${namespace}/${name} published${version === undefined ? '' : ` at version ${version}`}`, async () => {
    const o = await getObject(namespace, 'da', name);
    const ready = condition(o, 'Ready');
    const synced = condition(o, 'Synced');
    const current = ready?.observedGeneration === o?.metadata.generation;
    const atVersion = version === undefined || o?.status?.version === version;
    return ready?.status === 'True' && synced?.status === 'True' && current && atVersion ? o : undefined;
  });
}

describe('data actions', () => {
  let platform: Platform;
  let namespace: string;
  let api: Api;

  beforeAll(async () => {
    platform = await startPlatform({ requestsPerMinute: 3000 });
    api = await connect(platform.emulator);
    namespace = await createTestNamespace('data-action');
    startOperator({ namespaces: [namespace] });
    await apply(namespace, [...withRequestsPerMinute(platform.organization('example-org'), 3000), ...integrationSamples, ...actionSamples]);
  });

  afterAll(async () => {
    await stopAllOperators();
    await platform.emulator.close();
  });

  it('brings the action samples to Ready, each published under its name on its integration', async () => {
    for (const name of ['example-order-status', 'example-queue-lookup']) {
      const action = await waitForPublished(namespace, name);
      const platformAction = (await api('GET', `/api/v2/integrations/actions/${action.status.actionId}?includeConfig=true`)).body;
      expect(platformAction.name).toBe(action.spec.displayName);
      expect(action.status.platformName).toBe(action.spec.displayName);
    }
    const order = await getObject(namespace, 'da', 'example-order-status');
    const onPlatform = (await api('GET', `/api/v2/integrations/actions/${order?.status.actionId}?includeConfig=true`)).body;
    // The success template came from the ConfigMap.
    expect(onPlatform.config.response.successTemplate).toBe('{"status": ${status}, "eta": ${eta}}\n');
    const integration = await getObject(namespace, 'dai', 'example-web-services');
    expect(onPlatform.integrationId).toBe(integration?.status.integrationId);
  }, 120_000);

  it('publishes a template change as a new version', async () => {
    const before = await waitForPublished(namespace, 'example-order-status');
    await patchAction(namespace, 'example-order-status', {
      request: { urlTemplate: 'https://orders.example.com/api/v2/orders/${input.orderId}' },
    });
    const after = await waitForPublished(namespace, 'example-order-status', before.status.version + 1);
    const onPlatform = (await api('GET', `/api/v2/integrations/actions/${after.status.actionId}?includeConfig=true`)).body;
    expect(onPlatform.config.request.requestUrlTemplate).toBe('https://orders.example.com/api/v2/orders/${input.orderId}');
    expect(onPlatform.version).toBe(after.status.version);
    await waitForEvent(namespace, 'example-order-status', 'Published');
  }, 60_000);

  it('tells the outcome of spec.test in the Tested condition', async () => {
    const tested = async (status: string) =>
      waitFor(`Tested=${status}`, async () => {
        const o = await getObject(namespace, 'da', 'example-order-status');
        const c = condition(o, 'Tested');
        return c?.status === status && c.observedGeneration === o?.metadata.generation ? c : undefined;
      });
    await patchAction(namespace, 'example-order-status', { test: { input: { orderId: 'A-1' } } });
    expect(await tested('True')).toMatchObject({ reason: 'TestPassed' });
    await patchAction(namespace, 'example-order-status', { test: { input: { orderId: null, customerId: 'C-9' } } });
    const failed = await tested('False');
    expect(failed).toMatchObject({ reason: 'TestFailed' });
    expect(failed.message).toContain('No input orderId for the template');
  }, 60_000);

  it('leaves the published action untouched when its draft fails validation, and says why', async () => {
    const before = await waitForPublished(namespace, 'example-order-status');
    await patchAction(namespace, 'example-order-status', {
      response: { translationMap: { status: 'order.status', eta: '$.order.delivery.eta' } },
    });
    const refused = await waitFor('Synced=False DraftInvalid', async () => {
      const o = await getObject(namespace, 'da', 'example-order-status');
      const synced = condition(o, 'Synced');
      return synced?.reason === 'DraftInvalid' && synced.observedGeneration === o?.metadata.generation ? o : undefined;
    });
    expect(condition(refused, 'Synced')?.message).toContain('config.response.translationMap.status is not a JSON path');
    // The published version still serves flows, and still says so.
    expect(condition(refused, 'Ready')?.status).toBe('True');
    const onPlatform = (await api('GET', `/api/v2/integrations/actions/${before.status.actionId}?includeConfig=true`)).body;
    expect(onPlatform.version).toBe(before.status.version);
    expect(onPlatform.config.response.translationMap.status).toBe('$.order.status');
    await waitForEvent(namespace, 'example-order-status', 'DraftInvalid');
  }, 60_000);

  it('keeps an integration being deleted until its actions are gone, then deletes both', async () => {
    const action = await getObject(namespace, 'da', 'example-queue-lookup');
    await kubectl(['delete', 'dai', 'example-genesys-cloud', '-n', namespace, '--wait=false']);
    await waitForEvent(namespace, 'example-genesys-cloud', 'InUse');
    expect(await getObject(namespace, 'dai', 'example-genesys-cloud')).toBeDefined();
    expect((await api('GET', `/api/v2/integrations/actions/${action?.status.actionId}`)).status).toBe(200);

    await kubectl(['delete', 'da', 'example-queue-lookup', '-n', namespace, '--wait=false']);
    await waitFor('the integration gone', async () => (await getObject(namespace, 'dai', 'example-genesys-cloud')) === undefined);
    expect((await api('GET', `/api/v2/integrations/actions/${action?.status.actionId}`)).status).toBe(404);
  }, 90_000);
});
