import { afterEach, describe, expect, it } from 'vitest';
import { parseBindAddress } from '../../../src/observability/bind-address.ts';
import { HealthServerError, startHealthServers, type HealthServers, type Readiness } from '../../../src/observability/health-server.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';

const running: HealthServers[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((servers) => servers.close()));
});

interface Probe {
  status: number;
  body: string;
  contentType: string | null;
}

async function get(port: number, path: string, method = 'GET'): Promise<Probe> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: response.status, body: await response.text(), contentType: response.headers.get('content-type') };
}

async function start(state: { readiness: Readiness; alive: boolean }): Promise<HealthServers> {
  const metrics = createMetrics({ processMetrics: false });
  metrics.observeReconcile('dataactionintegration', 'success', 0.1);
  const servers = await startHealthServers({
    metricsAddress: '127.0.0.1:0',
    probeAddress: '127.0.0.1:0',
    registry: metrics.registry,
    readiness: () => state.readiness,
    liveness: () => state.alive,
  });
  running.push(servers);
  return servers;
}

describe('startHealthServers', () => {
  it('answers /readyz with 503 and the reason until the informers have synced, then 200', async () => {
    const state = { readiness: { ready: false, reasons: ['informers not synced'] } as Readiness, alive: true };
    const { probePort } = await start(state);
    expect(await get(probePort, '/readyz')).toEqual({
      status: 503,
      body: 'not ready: informers not synced\n',
      contentType: 'text/plain; charset=utf-8',
    });
    state.readiness = { ready: true, reasons: [] };
    expect(await get(probePort, '/readyz')).toMatchObject({ status: 200, body: 'ok\n' });
    state.readiness = { ready: false, reasons: ['lost leader lease', 'informers not synced'] };
    expect(await get(probePort, '/readyz')).toMatchObject({ status: 503, body: 'not ready: lost leader lease, informers not synced\n' });
  });

  it('answers /healthz with 200 while alive and 503 once liveness fails', async () => {
    const state = { readiness: { ready: false, reasons: [] } as Readiness, alive: true };
    const { probePort } = await start(state);
    expect(await get(probePort, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    state.alive = false;
    expect(await get(probePort, '/healthz')).toMatchObject({ status: 503, body: 'not alive\n' });
  });

  it('answers 503 when a check throws', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const servers = await startHealthServers({
      metricsAddress: '127.0.0.1:0',
      probeAddress: '127.0.0.1:0',
      registry: metrics.registry,
      readiness: () => {
        throw new Error('cache closed');
      },
      liveness: () => true,
    });
    running.push(servers);
    expect(await get(servers.probePort, '/readyz')).toMatchObject({ status: 503, body: 'check failed\n' });
  });

  it('serves the registry as Prometheus text on /metrics, on its own port', async () => {
    const { metricsPort, probePort } = await start({ readiness: { ready: true, reasons: [] }, alive: true });
    expect(metricsPort).not.toBe(probePort);
    const metrics = await get(metricsPort, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.contentType).toContain('text/plain; version=0.0.4');
    expect(metrics.body).toContain('controller_runtime_reconcile_total{controller="dataactionintegration",result="success"} 1');
    expect((await get(probePort, '/metrics')).status).toBe(404);
    expect((await get(metricsPort, '/readyz')).status).toBe(404);
  });

  it.each<[string, string, number]>([
    ['/nope', 'GET', 404],
    ['/healthz', 'POST', 405],
    ['/readyz?verbose', 'HEAD', 200],
  ])('answers %s %s with %i', async (path, method, status) => {
    const { probePort } = await start({ readiness: { ready: true, reasons: [] }, alive: true });
    expect((await get(probePort, path, method)).status).toBe(status);
  });

  it('fails with a coded error naming the address when a port is taken, leaving nothing open', async () => {
    const first = await start({ readiness: { ready: true, reasons: [] }, alive: true });
    const attempt = startHealthServers({
      metricsAddress: '127.0.0.1:0',
      probeAddress: `127.0.0.1:${first.probePort}`,
      registry: createMetrics({ processMetrics: false }).registry,
      readiness: () => ({ ready: true, reasons: [] }),
      liveness: () => true,
    });
    await expect(attempt).rejects.toBeInstanceOf(HealthServerError);
    await expect(attempt).rejects.toMatchObject({ code: 'ListenFailed', message: expect.stringContaining(`127.0.0.1:${first.probePort}`) });
  });

  it('closes promptly even while a scraper keeps its connection alive', async () => {
    const servers = await start({ readiness: { ready: true, reasons: [] }, alive: true });
    await get(servers.metricsPort, '/metrics');
    running.splice(running.indexOf(servers), 1);
    const started = performance.now();
    await servers.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(get(servers.probePort, '/healthz')).rejects.toThrow();
  });
});

describe('parseBindAddress', () => {
  it.each<[string, ReturnType<typeof parseBindAddress>]>([
    [':8080', { host: undefined, port: 8080 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['localhost:9440', { host: 'localhost', port: 9440 }],
    ['[::1]:8081', { host: '::1', port: 8081 }],
    ['8080', undefined],
    [':65536', undefined],
    [':http', undefined],
    ['::1:8080', undefined],
    ['bad host:80', undefined],
  ])('reads %j', (text, expected) => {
    expect(parseBindAddress(text)).toEqual(expected);
  });
});
