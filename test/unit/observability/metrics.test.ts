import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createMetrics, type Metrics } from '../../../src/observability/metrics.ts';

/** The value of one sample line (`name{labels} value`) in the Prometheus text, or undefined when absent. */
async function sample(metrics: Metrics, series: string): Promise<number | undefined> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let ms = 1_000;
  return { now: () => ms, advance: (by) => void (ms += by) };
}

describe('createMetrics', () => {
  it('says which version runs in dataaction_operator_build_info, the version package.json holds', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    const metrics = createMetrics({ processMetrics: false });
    expect(await sample(metrics, `dataaction_operator_build_info{version="${version}",nodeversion="${process.version}"}`)).toBe(1);
  });

  it('exposes every agreed metric name once something was recorded', async () => {
    const metrics = createMetrics();
    metrics.observeReconcile('dataactionintegration', 'error', 0.2);
    metrics.setMaxConcurrentReconciles('dataactionintegration', 4);
    metrics.setActiveWorkers('dataactionintegration', 1);
    const queue = metrics.workqueue('dataactionintegration');
    queue.recordAdd(1);
    queue.recordStart(0, 0.01)();
    queue.recordRetry();
    metrics.observePlatformCall({
      route: '/api/v2/integrations',
      method: 'post',
      status: 429,
      durationMs: 30,
      retry: true,
      budgetWaitMs: 250,
    });
    metrics.setIntegration('uid-1', { namespace: 'team-a', state: 'ACTIVE', ready: 'True' });
    metrics.setLeader('dataaction-operator', true);
    const text = await metrics.registry.metrics();
    for (const name of [
      'controller_runtime_reconcile_total',
      'controller_runtime_reconcile_errors_total',
      'controller_runtime_reconcile_time_seconds',
      'controller_runtime_max_concurrent_reconciles',
      'controller_runtime_active_workers',
      'workqueue_depth',
      'workqueue_adds_total',
      'workqueue_queue_duration_seconds',
      'workqueue_work_duration_seconds',
      'workqueue_retries_total',
      'workqueue_unfinished_work_seconds',
      'workqueue_longest_running_processor_seconds',
      'dataactions_platform_requests_total',
      'dataactions_platform_request_duration_seconds',
      'dataactions_platform_retries_total',
      'dataactions_platform_budget_wait_seconds_total',
      'dataactions_platform_rate_limited_total',
      'dataactions_integrations',
      'leader_election_master_status',
      // Node process metrics share the registry.
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
  });

  it('leaves process metrics out when asked, and never touches the global registry', async () => {
    const text = await createMetrics({ processMetrics: false }).registry.metrics();
    expect(text).not.toContain('process_cpu_seconds_total');
    const { register } = await import('prom-client');
    expect(await register.metrics()).not.toContain('controller_runtime_reconcile_total');
  });

  it('counts reconciles by controller and result, and errors apart', async () => {
    const metrics = createMetrics({ processMetrics: false });
    for (const result of ['success', 'success', 'error', 'requeue', 'requeue_after'] as const) {
      metrics.observeReconcile('dataactionintegration', result, 0.05);
    }
    metrics.observeReconcile('genesyscloudorganization', 'error', 1.5);
    expect(await sample(metrics, 'controller_runtime_reconcile_total{controller="dataactionintegration",result="success"}')).toBe(2);
    expect(await sample(metrics, 'controller_runtime_reconcile_total{controller="dataactionintegration",result="requeue_after"}')).toBe(1);
    expect(await sample(metrics, 'controller_runtime_reconcile_errors_total{controller="dataactionintegration"}')).toBe(1);
    expect(await sample(metrics, 'controller_runtime_reconcile_errors_total{controller="genesyscloudorganization"}')).toBe(1);
    expect(await sample(metrics, 'controller_runtime_reconcile_time_seconds_count{controller="dataactionintegration"}')).toBe(5);
    expect(await sample(metrics, 'controller_runtime_reconcile_time_seconds_bucket{le="1.5",controller="genesyscloudorganization"}')).toBe(
      1,
    );
  });

  it('records a platform call by route template, method and status, with retries, budget waits and 429s', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const route = '/api/v2/integrations/{integrationId}';
    metrics.observePlatformCall({ route, method: 'patch', status: 429, durationMs: 40, retry: false, budgetWaitMs: 1_500 });
    metrics.observePlatformCall({ route, method: 'patch', status: 200, durationMs: 120, retry: true, budgetWaitMs: 500 });
    metrics.observePlatformCall({ route, method: 'PATCH', status: null, durationMs: 5_000, retry: true, budgetWaitMs: 0 });
    expect(await sample(metrics, `dataactions_platform_requests_total{route="${route}",method="PATCH",code="429"}`)).toBe(1);
    expect(await sample(metrics, `dataactions_platform_requests_total{route="${route}",method="PATCH",code="200"}`)).toBe(1);
    expect(await sample(metrics, `dataactions_platform_requests_total{route="${route}",method="PATCH",code="<error>"}`)).toBe(1);
    expect(await sample(metrics, `dataactions_platform_request_duration_seconds_sum{route="${route}",method="PATCH"}`)).toBeCloseTo(5.16);
    expect(await sample(metrics, `dataactions_platform_retries_total{route="${route}"}`)).toBe(2);
    expect(await sample(metrics, 'dataactions_platform_budget_wait_seconds_total')).toBe(2);
    expect(await sample(metrics, 'dataactions_platform_rate_limited_total')).toBe(1);
  });

  it('follows a work queue: adds, depth, waits, work time, retries and work still running', async () => {
    const clock = fakeClock();
    const metrics = createMetrics({ processMetrics: false, now: clock.now });
    const queue = metrics.workqueue('dataactionintegration');
    expect(metrics.workqueue('dataactionintegration')).toBe(queue);
    queue.recordAdd(1);
    queue.recordAdd(2);
    const finishFirst = queue.recordStart(1, 0.5);
    clock.advance(2_000);
    queue.recordStart(0, 0.25);
    clock.advance(1_000);
    const name = '{name="dataactionintegration"}';
    expect(await sample(metrics, `workqueue_adds_total${name}`)).toBe(2);
    expect(await sample(metrics, `workqueue_depth${name}`)).toBe(0);
    expect(await sample(metrics, `workqueue_queue_duration_seconds_sum${name}`)).toBe(0.75);
    expect(await sample(metrics, `workqueue_unfinished_work_seconds${name}`)).toBe(4);
    expect(await sample(metrics, `workqueue_longest_running_processor_seconds${name}`)).toBe(3);
    finishFirst();
    finishFirst();
    expect(await sample(metrics, `workqueue_work_duration_seconds_count${name}`)).toBe(1);
    expect(await sample(metrics, `workqueue_work_duration_seconds_sum${name}`)).toBe(3);
    expect(await sample(metrics, `workqueue_longest_running_processor_seconds${name}`)).toBe(1);
    queue.recordRetry();
    expect(await sample(metrics, `workqueue_retries_total${name}`)).toBe(1);
  });

  it('counts integrations by namespace, state and readiness as the reconciler updates them', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.setIntegration('uid-1', { namespace: 'team-a', state: 'ACTIVE', ready: 'True' });
    metrics.setIntegration('uid-2', { namespace: 'team-a', state: 'ACTIVE', ready: 'True' });
    metrics.setIntegration('uid-3', { namespace: 'team-b', state: 'Unknown', ready: 'False' });
    const active = 'dataactions_integrations{namespace="team-a",state="ACTIVE",ready="True"}';
    expect(await sample(metrics, active)).toBe(2);
    metrics.setIntegration('uid-2', { namespace: 'team-a', state: 'INACTIVE', ready: 'True' });
    metrics.deleteIntegration('uid-3');
    expect(await sample(metrics, active)).toBe(1);
    expect(await sample(metrics, 'dataactions_integrations{namespace="team-a",state="INACTIVE",ready="True"}')).toBe(1);
    expect(await sample(metrics, 'dataactions_integrations{namespace="team-b",state="Unknown",ready="False"}')).toBeUndefined();
  });

  it('sets worker gauges and leadership', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.setMaxConcurrentReconciles('dataactionintegration', 4);
    metrics.setActiveWorkers('dataactionintegration', 3);
    metrics.setLeader('dataaction-operator', true);
    metrics.setLeader('dataaction-operator', false);
    expect(await sample(metrics, 'controller_runtime_max_concurrent_reconciles{controller="dataactionintegration"}')).toBe(4);
    expect(await sample(metrics, 'controller_runtime_active_workers{controller="dataactionintegration"}')).toBe(3);
    expect(await sample(metrics, 'leader_election_master_status{name="dataaction-operator"}')).toBe(0);
  });
});
