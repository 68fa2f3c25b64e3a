// testAction reads the whole TestExecutionResult the emulator answers when it sends a test to a local server.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { startRecordingServer, type RecordingServer } from '../../emulator/recording-server.ts';
import { createActionsClient, createPlatformClient, type ActionsClient } from '../../../src/platform/index.ts';

const started: Array<Emulator | RecordingServer> = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function actionsOn(emulator: Emulator): Promise<{ actions: ActionsClient; integrationId: string }> {
  const options = {
    endpoints: { apiBaseUrl: emulator.baseUrl, loginBaseUrl: emulator.baseUrl },
    clientId: 'emulator-client',
    clientSecret: 'emulator-secret',
    requestsPerMinute: 60_000,
  };
  const integration = await createPlatformClient(options).createIntegration({ integrationTypeId: 'custom-rest-actions', name: 'Orders' });
  return { actions: createActionsClient(options), integrationId: integration.id };
}

async function lookup(answer: { status: number; body: unknown }): Promise<{ actions: ActionsClient; id: string }> {
  const server = await startRecordingServer(() => answer);
  const emulator = await startEmulator({ requestsPerMinute: 100_000 });
  started.push(server, emulator);
  const { actions, integrationId } = await actionsOn(emulator);
  const { id } = await actions.createAction(integrationId, {
    name: 'Get order',
    category: 'Orders',
    secure: false,
    contract: { input: { inputSchema: { type: 'object' } }, output: { successSchema: { type: 'object' } } },
    config: {
      request: { requestUrlTemplate: `${server.url}/orders/\${input.id}`, requestType: 'GET', headers: {} },
      response: { translationMap: { status: '$.status' }, successTemplate: '{"status": ${status}}' },
    },
  });
  return { actions, id };
}

describe('testAction', () => {
  it('reads the operations and the final result of a test that passed', async () => {
    const { actions, id } = await lookup({ status: 200, body: { status: 'shipped' } });
    const result = await actions.testAction(id, { id: 'A-1' });
    expect(result).toMatchObject({ success: true, finalResult: { status: 'shipped' } });
    expect(result.operations?.map((o) => [o.step, o.name, o.success])).toEqual([
      [1, 'Resolve request URL template', true],
      [2, 'Execute request', true],
      [3, 'Resolve translation map', true],
      [4, 'Apply output transformation', true],
    ]);
  });

  it('reads the failed operation of a test the server answered 500', async () => {
    const { actions, id } = await lookup({ status: 500, body: { message: 'down' } });
    const result = await actions.testAction(id, { id: 'A-1' });
    expect(result.success).toBe(false);
    expect(result.operations?.at(-1)).toMatchObject({ name: 'Execute request', success: false, error: { status: 500 } });
    expect(result.error?.message).toContain('answered 500');
  });

  it('waits for a test longer than the client waits for other calls, since an action may run up to 60 s', async () => {
    const emulator = await startEmulator({ requestsPerMinute: 100_000 });
    started.push(emulator);
    const options = {
      endpoints: { apiBaseUrl: emulator.baseUrl, loginBaseUrl: emulator.baseUrl },
      clientId: 'emulator-client',
      clientSecret: 'emulator-secret',
      requestsPerMinute: 60_000,
      requestTimeoutMs: 200,
    };
    const { id: integrationId } = await createPlatformClient(options).createIntegration({
      integrationTypeId: 'custom-rest-actions',
      name: 'Orders',
    });
    const actions = createActionsClient(options);
    const { id } = await actions.createAction(integrationId, {
      name: 'Slow lookup',
      category: 'Orders',
      secure: false,
      contract: { input: { inputSchema: { type: 'object' } }, output: { successSchema: { type: 'object' } } },
      config: { request: { requestUrlTemplate: 'https://orders.example.com/${input.id}', requestType: 'GET' }, timeoutSeconds: 30 },
    });
    emulator.control.addFault({ route: 'POST /api/v2/integrations/actions/{id}/test', kind: 'latency', latencyMs: 600, times: 1 });
    await expect(actions.testAction(id, { id: 'A-1' })).resolves.toMatchObject({ success: true });
    emulator.control.addFault({ route: 'GET /api/v2/integrations/actions/{id}', kind: 'latency', latencyMs: 600, times: 5 });
    await expect(actions.getAction(id)).rejects.toMatchObject({ code: 'Timeout' });
  });
});
