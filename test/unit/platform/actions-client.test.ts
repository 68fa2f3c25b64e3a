// The data actions calls against the project's emulator.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import {
  createActionsClient,
  createPlatformClient,
  isPlatformError,
  type ActionContent,
  type ActionsClient,
} from '../../../src/platform/index.ts';

let emulators: Emulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.map((e) => e.close()));
  emulators = [];
});

async function platform(): Promise<{ actions: ActionsClient; integrationId: string }> {
  const emulator = await startEmulator({ requestsPerMinute: 100_000 });
  emulators.push(emulator);
  const options = {
    endpoints: { apiBaseUrl: emulator.baseUrl, loginBaseUrl: emulator.baseUrl },
    clientId: 'emulator-client',
    clientSecret: 'emulator-secret',
    requestsPerMinute: 60_000,
    retryPolicy: { baseDelayMs: 5, maxDelayMs: 20 },
  };
  const integration = await createPlatformClient(options).createIntegration({ integrationTypeId: 'custom-rest-actions', name: 'Orders' });
  return { actions: createActionsClient(options), integrationId: integration.id };
}

const content: ActionContent = {
  name: 'Get order',
  category: 'Orders',
  secure: false,
  contract: { input: { inputSchema: { type: 'object' } }, output: { successSchema: { type: 'object' } } },
  config: { request: { requestUrlTemplate: 'https://orders.example.com/${input.id}', requestType: 'GET' }, timeoutSeconds: 5 },
};

describe('the actions client', () => {
  it('creates an action and reads it back with its contract and config', async () => {
    const { actions, integrationId } = await platform();
    const created = await actions.createAction(integrationId, content);
    const read = await actions.getAction(created.id);
    expect(read).toMatchObject({ name: 'Get order', integrationId, version: 1, config: content.config, contract: content.contract });
    expect((await actions.listActions({ name: 'Get order' })).map((a) => a.id)).toEqual([created.id]);
  });

  it('goes through a draft: update, validate, publish a new version', async () => {
    const { actions, integrationId } = await platform();
    const { id } = await actions.createAction(integrationId, content);
    expect(await actions.getDraft(id)).toBeUndefined();
    const draft = await actions.createDraft(id);
    const updated = await actions.updateDraft(id, { ...content, config: { ...content.config, timeoutSeconds: 9 } }, draft.version ?? 0);
    expect((await actions.validateDraft(id)).valid).toBe(true);
    const published = await actions.publishDraft(id, updated.version ?? 0);
    expect(published).toMatchObject({ version: 2, config: { timeoutSeconds: 9 } });
  });

  it('reports the errors of an invalid draft', async () => {
    const { actions, integrationId } = await platform();
    const { id } = await actions.createAction(integrationId, content);
    const draft = await actions.createDraft(id);
    await actions.updateDraft(id, { ...content, config: { response: { translationMap: { a: 'b' } } } }, draft.version ?? 0);
    const validation = await actions.validateDraft(id);
    expect(validation.valid).toBe(false);
    expect(validation.errors.map((e) => e.message)).toEqual(['config.response.translationMap.a is not a JSON path']);
  });

  it('says NotFound for a deleted action', async () => {
    const { actions, integrationId } = await platform();
    const { id } = await actions.createAction(integrationId, content);
    await actions.deleteAction(id);
    const error = await actions.getAction(id).catch((e: unknown) => e);
    expect(isPlatformError(error) && error.code).toBe('NotFound');
  });
});
