// The test call against a server the test starts: the emulator renders the request from the input, sends it
// only to loopback, and runs the answer through the translation map, its defaults and the success template.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, useEmulator, type Api } from './harness.ts';
import { closedPort, startRecordingServer, type Answer, type RecordingServer } from './recording-server.ts';

const start = useEmulator();
const ACTIONS = '/api/v2/integrations/actions';
const servers: RecordingServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(answer: Answer): Promise<RecordingServer> {
  const server = await startRecordingServer(answer);
  servers.push(server);
  return server;
}

const ORDER = { order: { status: 'shipped', lines: [{ sku: 'X-1' }] } };

/** An action on a fresh Web services integration; `config` replaces parts of a GET order lookup. */
async function action(api: Api, config: { request?: object; response?: object; timeoutSeconds?: number }): Promise<string> {
  const integration = await api('POST', '/api/v2/integrations', { name: 'Orders', integrationType: { id: 'custom-rest-actions' } });
  const created = await api('POST', ACTIONS, {
    name: 'Get order',
    category: 'Orders',
    integrationId: integration.body.id,
    secure: false,
    contract: {
      input: { inputSchema: { type: 'object', properties: { orderId: { type: 'string' }, note: { type: 'string' } } } },
      output: { successSchema: { type: 'object', properties: { status: { type: 'string' } } } },
    },
    config: {
      request: { requestType: 'GET', headers: {}, ...config.request },
      response: { translationMap: { status: '$.order.status' }, successTemplate: '{"status": ${status}}', ...config.response },
      ...(config.timeoutSeconds === undefined ? {} : { timeoutSeconds: config.timeoutSeconds }),
    },
  });
  expect(created.status).toBe(200);
  return String(created.body.id);
}

describe('the test call against a local server', () => {
  it('sends a GET whose path and query come from the input, and answers the translated result', async () => {
    const server = await serve(() => ({ status: 200, body: ORDER }));
    const api = await connect(await start());
    const id = await action(api, {
      request: { requestUrlTemplate: `${server.url}/orders/\${input.orderId}?fields=status&note=$esc.url(\${input.note})` },
    });
    const result = (await api('POST', `${ACTIONS}/${id}/test`, { orderId: 'A-1', note: 'a b' })).body;
    expect(server.requests).toMatchObject([{ method: 'GET', path: '/orders/A-1', query: { fields: 'status', note: 'a b' } }]);
    expect(result).toMatchObject({ success: true, finalResult: { status: 'shipped' } });
    expect(result.operations.map((o: { name: string }) => o.name)).toEqual([
      'Resolve request URL template',
      'Execute request',
      'Resolve translation map',
      'Apply output transformation',
    ]);
    expect(result.operations[2]).toMatchObject({ step: 3, success: true, result: { status: '"shipped"' } });
  });

  it('sends a POST with the rendered body and headers, escaping a JSON string', async () => {
    const server = await serve(() => ({ status: 201, body: ORDER }));
    const api = await connect(await start());
    const id = await action(api, {
      request: {
        requestUrlTemplate: `${server.url}/orders`,
        requestType: 'POST',
        headers: { 'X-Order': '${input.orderId}' },
        requestTemplate: '{"id": "${input.orderId}", "note": "$esc.jsonString(${input.note})", "extra": "$!{input.missing}"}',
      },
    });
    expect((await api('POST', `${ACTIONS}/${id}/draft/test`, { orderId: 'A-2' })).status).toBe(404);
    expect(server.requests).toEqual([]);
    await api('POST', `${ACTIONS}/${id}/draft`);
    const tested = (await api('POST', `${ACTIONS}/${id}/draft/test`, { orderId: 'A-2', note: 'say "hi"' })).body;
    expect(tested.success).toBe(true);
    const [sent] = server.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/orders', headers: { 'x-order': 'A-2', 'content-type': 'application/json' } });
    expect(JSON.parse(sent?.body ?? '')).toEqual({ id: 'A-2', note: 'say "hi"', extra: '' });
  });

  it('applies a default when a translation map path finds nothing', async () => {
    const server = await serve(() => ({ status: 200, body: { order: {} } }));
    const api = await connect(await start());
    const id = await action(api, {
      request: { requestUrlTemplate: `${server.url}/orders/\${input.orderId}` },
      response: { translationMapDefaults: { status: '"unknown"' } },
    });
    const result = (await api('POST', `${ACTIONS}/${id}/test`, { orderId: 'A-3' })).body;
    expect(result).toMatchObject({ success: true, finalResult: { status: 'unknown' } });
  });

  it('reads an array element of the response', async () => {
    const server = await serve(() => ({ status: 200, body: ORDER }));
    const api = await connect(await start());
    const id = await action(api, {
      request: { requestUrlTemplate: `${server.url}/orders/\${input.orderId}` },
      response: { translationMap: { status: '$.order.lines[0].sku' } },
    });
    expect((await api('POST', `${ACTIONS}/${id}/test`, { orderId: 'A-4' })).body.finalResult).toEqual({ status: 'X-1' });
  });

  it('fails the translation when a path finds nothing and has no default, naming the attribute', async () => {
    const server = await serve(() => ({ status: 200, body: { order: {} } }));
    const api = await connect(await start());
    const id = await action(api, { request: { requestUrlTemplate: `${server.url}/orders/\${input.orderId}` } });
    const result = (await api('POST', `${ACTIONS}/${id}/test`, { orderId: 'A-5' })).body;
    expect(result).toMatchObject({ success: false, error: { code: 'translation.failed' } });
    expect(result.error.message).toBe('The JSON path $.order.status of status found nothing in the response, and status has no default');
    expect(result.operations.at(-1)).toMatchObject({ name: 'Resolve translation map', success: false });
  });

  it('reports a 500 from the server as a failed Execute request operation', async () => {
    const server = await serve(() => ({ status: 500, body: { message: 'database down' } }));
    const api = await connect(await start());
    const id = await action(api, { request: { requestUrlTemplate: `${server.url}/orders/\${input.orderId}` } });
    const result = (await api('POST', `${ACTIONS}/${id}/test`, { orderId: 'A-6' })).body;
    expect(result.success).toBe(false);
    expect(result.operations.at(-1)).toMatchObject({ step: 2, name: 'Execute request', success: false, error: { status: 500 } });
    expect(result.error.message).toBe(`The request to ${server.url}/orders/A-6 answered 500: {"message":"database down"}`);
    expect(result.finalResult).toBeUndefined();
  });

  it('reports a port nothing listens on as a failed Execute request operation', async () => {
    const port = await closedPort();
    const api = await connect(await start());
    const id = await action(api, { request: { requestUrlTemplate: `http://127.0.0.1:${port}/orders/\${input.orderId}` } });
    const result = (await api('POST', `${ACTIONS}/${id}/test`, { orderId: 'A-7' })).body;
    expect(result.operations.at(-1)).toMatchObject({ name: 'Execute request', success: false, error: { code: 'request.failed' } });
    expect(result.error.message).toMatch(new RegExp(`^The request to http://127.0.0.1:${port}/orders/A-7 failed: .*ECONNREFUSED`));
  });

  it('gives up on a server that does not answer within the action timeout', async () => {
    const api = await connect(await start());
    const silent = await serve(() => 'hang');
    const id = await action(api, { request: { requestUrlTemplate: `${silent.url}/orders/\${input.orderId}` }, timeoutSeconds: 1 });
    const result = (await api('POST', `${ACTIONS}/${id}/test`, { orderId: 'A-8' })).body;
    expect(result.operations.at(-1)).toMatchObject({ name: 'Execute request', success: false, error: { code: 'request.failed' } });
    expect(result.error.message).toBe(`The request to ${silent.url}/orders/A-8 failed: no answer within 1 s`);
  });

  it('renders but never sends a request to a URL off this machine', async () => {
    const api = await connect(await start());
    const id = await action(api, { request: { requestUrlTemplate: 'https://orders.example.com/orders/${input.orderId}' } });
    const result = (await api('POST', `${ACTIONS}/${id}/test`, { orderId: 'A-9' })).body;
    expect(result).toEqual({
      operations: [{ step: 1, name: 'Resolve request URL template', success: true, result: 'https://orders.example.com/orders/A-9' }],
      finalResult: {},
      success: true,
    });
  });
});
