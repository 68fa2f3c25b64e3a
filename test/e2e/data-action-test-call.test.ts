// The test call end to end: a DataAction whose request URL template points at an HTTP server this test
// starts is published, and spec.test.input runs it. The server receives the request the template renders
// (path, query, body), and the Tested condition says what the action answered through its translation map,
// or, when the server answers 500, which operation failed and why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../emulator/recording-server.ts';
import { createTestNamespace } from '../testbed/namespace.ts';
import {
  apply,
  condition,
  getObject,
  kubectl,
  startOperator,
  startPlatform,
  stopAllOperators,
  waitFor,
  webServicesIntegration,
  withRequestsPerMinute,
  type Json,
  type Platform,
} from './harness.ts';

/** A POST lookup on the test's server: the path and query come from the input, and so does the body. */
function orderAction(name: string, serverUrl: string, path: string): Json {
  return {
    apiVersion: 'dataactions.dev/v1alpha1',
    kind: 'DataAction',
    metadata: { name },
    spec: {
      integrationRef: { name: 'orders' },
      category: 'Orders',
      contract: {
        input: { type: 'object', properties: { orderId: { type: 'string' }, customer: { type: 'string' } } },
        output: { type: 'object', properties: { status: { type: 'string' }, eta: { type: 'string' } } },
      },
      request: {
        urlTemplate: `${serverUrl}${path}/\${input.orderId}?customer=\${input.customer}`,
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        requestTemplate: '{"orderId": "${input.orderId}", "customer": "$esc.jsonString(${input.customer})"}',
      },
      response: {
        translationMap: { status: '$.order.status', eta: '$.order.delivery.eta' },
        translationMapDefaults: { eta: '"unknown"' },
        successTemplate: '{"status": ${status}, "eta": ${eta}}',
      },
      timeoutSeconds: 5,
      test: { input: { orderId: 'A-17', customer: 'Ada "L"' } },
    },
  };
}

/** The Tested condition once it is about the DataAction's current generation. */
async function testedOf(namespace: string, name: string): Promise<Json> {
  return waitFor(`${namespace}/${name} Tested`, async () => {
    const o = await getObject(namespace, 'da', name);
    const c = condition(o, 'Tested');
    return c !== undefined && c.observedGeneration === o?.metadata.generation ? c : undefined;
  });
}

describe('the test call of a data action, against a server the test starts', () => {
  let platform: Platform;
  let server: RecordingServer;
  let namespace: string;

  beforeAll(async () => {
    server = await startRecordingServer((request) =>
      request.path.startsWith('/broken/')
        ? { status: 500, body: { message: 'order database unavailable' } }
        : { status: 200, body: { order: { status: 'shipped', id: request.path.split('/').pop() } } },
    );
    platform = await startPlatform({ requestsPerMinute: 3000 });
    namespace = await createTestNamespace('data-action-test-call');
    startOperator({ namespaces: [namespace] });
    await apply(namespace, [...withRequestsPerMinute(platform.organization('example-org'), 3000), ...webServicesIntegration('orders')]);
  });

  afterAll(async () => {
    await stopAllOperators();
    await platform.emulator.close();
    await server.close();
  });

  it('sends the rendered request to the server and shows the translated answer in Tested', async () => {
    await apply(namespace, [orderAction('order-status', server.url, '/orders')]);
    const tested = await testedOf(namespace, 'order-status');
    expect(tested).toMatchObject({ status: 'True', reason: 'TestPassed' });
    expect(tested.message).toBe('The test with spec.test.input succeeded: {"status":"shipped","eta":"unknown"}');
    const sent = server.requests.filter((r) => r.path === '/orders/A-17');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent[0]).toMatchObject({ method: 'POST', query: { customer: 'Ada "L"' } });
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({ orderId: 'A-17', customer: 'Ada "L"' });
    const wide = await kubectl(['get', 'da', 'order-status', '-n', namespace, '-o', 'wide']);
    expect(wide.split('\n')[0]).toMatch(/TESTED/);
    expect(wide.split('\n')[1]).toMatch(/\bTrue\s+True\s+\S+\s+\S+\s+True\b/);
  }, 120_000);

  it('says which operation failed and why when the server answers 500', async () => {
    await apply(namespace, [orderAction('broken-status', server.url, '/broken')]);
    const tested = await testedOf(namespace, 'broken-status');
    expect(tested).toMatchObject({ status: 'False', reason: 'TestFailed' });
    expect(tested.message).toBe(
      `The test with spec.test.input failed at step 4 (Execute request): The request to ${server.url}/broken/A-17?customer=Ada "L" ` +
        'answered 500: {"message":"order database unavailable"}',
    );
    expect(server.requests.some((r) => r.path === '/broken/A-17')).toBe(true);
    // The action itself is published and serves: only the test failed.
    const action = await getObject(namespace, 'da', 'broken-status');
    expect(condition(action, 'Ready')?.status).toBe('True');
  }, 120_000);
});
