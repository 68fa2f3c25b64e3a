// The dataactions_integrations gauge follows the resources: a deleted resource leaves it, so an alert on
// Ready=False clears once the resource is gone.
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { trackIntegrationStates } from '../../src/integration-states.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { FakeInformer } from './fake-informer.ts';

const dai = (name: string): KubernetesObject => ({ metadata: { name, namespace: 'team-a' } });

async function gaugeLines(metrics: ReturnType<typeof createMetrics>): Promise<string[]> {
  const text = await metrics.registry.metrics();
  return text.split('\n').filter((line) => line.startsWith('dataactions_integrations{'));
}

describe('integration states in the gauge', () => {
  it('removes the series of a deleted integration', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const integrations = new FakeInformer([dai('broken'), dai('fine')]);
    const observe = trackIntegrationStates(metrics, integrations);
    observe('team-a', 'broken', 'ERROR', 'False');
    observe('team-a', 'fine', 'ACTIVE', 'True');
    expect(await gaugeLines(metrics)).toEqual([
      'dataactions_integrations{namespace="team-a",state="ERROR",ready="False"} 1',
      'dataactions_integrations{namespace="team-a",state="ACTIVE",ready="True"} 1',
    ]);

    integrations.delete(dai('broken'));
    expect(await gaugeLines(metrics)).toEqual(['dataactions_integrations{namespace="team-a",state="ACTIVE",ready="True"} 1']);
  });

  it('ignores a reconcile that reports after the resource was deleted, so the series does not come back', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const integrations = new FakeInformer([dai('broken')]);
    const observe = trackIntegrationStates(metrics, integrations);
    integrations.delete(dai('broken'));
    observe('team-a', 'broken', 'ERROR', 'False');
    expect(await gaugeLines(metrics)).toEqual([]);
  });
});
