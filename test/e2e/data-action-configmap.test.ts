// A template kept in a ConfigMap: editing the ConfigMap publishes a new version of the DataActions that take
// a template from it within seconds, as an edited Secret does for integrations, not at the next resync (set
// to an hour here, so only the ConfigMap watch can explain it). A ConfigMap no action uses wakes nothing.
import { readFileSync } from 'node:fs';
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
  platformCalls,
  repoRoot,
  samples,
  startOperator,
  startPlatform,
  stopAllOperators,
  waitFor,
  waitForEvent,
  type Json,
  type Platform,
} from './harness.ts';

const ACTION = 'example-order-status';
const TEMPLATES = 'example-order-status-templates';
const GET_ACTION = 'GET /api/v2/integrations/actions/{id}';
const orderStatus = parseAllDocuments(readFileSync(join(repoRoot, 'deploy', 'samples', 'actions', 'order-status.yaml'), 'utf8')).map(
  (d) => d.toJSON() as Json,
);
const webServices = samples()
  .filter((s) => s.file === 'web-services.yaml')
  .flatMap((s) => s.objects);

async function waitForPublished(namespace: string, version?: number, timeoutMs?: number): Promise<Json> {
  return waitFor(
    `${namespace}/${ACTION} published${version === undefined ? '' : ` at version ${version}`}`,
    async () => {
      const o = await getObject(namespace, 'da', ACTION);
      const ready = condition(o, 'Ready');
      const current = ready?.observedGeneration === o?.metadata.generation;
      const atVersion = version === undefined || o?.status?.version === version;
      return ready?.status === 'True' && condition(o, 'Synced')?.status === 'True' && current && atVersion ? o : undefined;
    },
    timeoutMs,
  );
}

async function setTemplate(namespace: string, name: string, data: Record<string, string>): Promise<void> {
  await kubectl(['patch', 'configmap', name, '-n', namespace, '--type', 'merge', '-p', JSON.stringify({ data })]);
}

describe('a DataAction template kept in a ConfigMap', () => {
  let platform: Platform;
  let namespace: string;
  let api: Api;

  beforeAll(async () => {
    platform = await startPlatform({ requestsPerMinute: 3000 });
    api = await connect(platform.emulator);
    namespace = await createTestNamespace('data-action-configmap');
    // An hour between resyncs: a template change that arrives within seconds came through the watch.
    startOperator({ namespaces: [namespace], args: ['--resync-period', '1h'] });
    await apply(namespace, [
      ...platform.organization(),
      ...webServices,
      ...orderStatus,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unrelated-settings' }, data: { mode: 'a' } },
    ]);
  }, 60_000);

  afterAll(async () => {
    await stopAllOperators();
    await platform.emulator.close();
  });

  it('wakes no DataAction when a ConfigMap none of them uses changes', async () => {
    const published = await waitForPublished(namespace, undefined, 90_000);
    // Settled: no reconcile is under way (the resync is an hour away), seen as 3 s without a read of the action.
    let reads = platformCalls(platform, GET_ACTION);
    for (let quiet = 0; quiet < 6;) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const now = platformCalls(platform, GET_ACTION);
      quiet = now === reads ? quiet + 1 : 0;
      reads = now;
    }
    await setTemplate(namespace, 'unrelated-settings', { mode: 'b' });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(platformCalls(platform, GET_ACTION)).toBe(reads);
    expect((await getObject(namespace, 'da', ACTION))?.status.version).toBe(published.status.version);
  }, 120_000);

  it('publishes the edited template as a new version within seconds, long before the resync', async () => {
    const before = await waitForPublished(namespace);
    const template = '{"status": ${status}, "eta": ${eta}, "source": "configmap-v2"}\n';
    await setTemplate(namespace, TEMPLATES, { 'success.vm': template });

    // 30 s at most, where the next resync is an hour away.
    const after = await waitForPublished(namespace, before.status.version + 1, 30_000);
    const onPlatform = (await api('GET', `/api/v2/integrations/actions/${after.status.actionId}?includeConfig=true`)).body;
    expect(onPlatform.config.response.successTemplate).toBe(template);
    expect(onPlatform.version).toBe(after.status.version);
    // The spec did not change: the generation is the one the first version was published for.
    expect(after.metadata.generation).toBe(before.metadata.generation);
    await waitForEvent(namespace, ACTION, 'Published');
  }, 60_000);
});
