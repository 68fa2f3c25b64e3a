// The resync lag and deferrals a controller reports when its resync lane falls behind.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Controller } from '../../../src/kube/controller.ts';
import { createMetrics, resyncMetrics, type Metrics } from '../../../src/observability/metrics.ts';

async function sample(metrics: Metrics, series: string): Promise<number | undefined> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('resync metrics', () => {
  it('reports each controller’s lag at scrape time and counts deferred resyncs, on one registry shared by both controllers', async () => {
    const metrics = createMetrics({ processMetrics: false });
    let lag = 0;
    resyncMetrics(metrics.registry).trackLag('dataactionintegration', () => lag);
    resyncMetrics(metrics.registry).trackLag('genesyscloudorganization', () => 0);
    expect(await sample(metrics, 'dataactions_resync_lag_seconds{controller="dataactionintegration"}')).toBe(0);
    expect(await sample(metrics, 'dataactions_resyncs_deferred_total{controller="dataactionintegration"}')).toBe(0);

    lag = 42.5;
    resyncMetrics(metrics.registry).recordDeferred('dataactionintegration');
    expect(await sample(metrics, 'dataactions_resync_lag_seconds{controller="dataactionintegration"}')).toBe(42.5);
    expect(await sample(metrics, 'dataactions_resyncs_deferred_total{controller="dataactionintegration"}')).toBe(1);
    expect(await sample(metrics, 'dataactions_resyncs_deferred_total{controller="genesyscloudorganization"}')).toBe(0);
  });

  it('counts a resync as a success, and a poll of unfinished work as requeue_after', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const results = [{ resyncPeriodMs: 3_600_000 }, { requeueAfterMs: 3_600_000 }];
    const controller = new Controller({
      name: 'test',
      concurrency: 1,
      metrics,
      logger: pino({ level: 'silent' }),
      reconcile: () => Promise.resolve(results.shift() ?? {}),
    });
    controller.start();
    controller.enqueue('ns', 'ready', 'initial');
    controller.enqueue('ns', 'activating', 'initial');
    await controller.stop(); // hands out what is queued, then stops
    expect(await sample(metrics, 'controller_runtime_reconcile_total{controller="test",result="success"}')).toBe(1);
    expect(await sample(metrics, 'controller_runtime_reconcile_total{controller="test",result="requeue_after"}')).toBe(1);
  });
});
