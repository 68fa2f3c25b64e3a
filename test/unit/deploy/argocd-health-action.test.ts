// The Argo CD health check of DataActions, run in gopher-lua by test/argocd/lua-runner (as for the other kinds).
import { describe, expect, it } from 'vitest';
import { useLuaHealth } from './lua-health.ts';

const { assess } = useLuaHealth();

const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, observedGeneration: 2 });
const action = (conditions: object[] | undefined, metadata: object = {}): object => ({
  apiVersion: 'dataactions.dev/v1alpha1',
  kind: 'DataAction',
  metadata: { name: 'order-status', namespace: 'contact-center', generation: 2, ...metadata },
  spec: { integrationRef: { name: 'orders' } },
  ...(conditions === undefined ? {} : { status: { observedGeneration: 2, conditions } }),
});
const published = condition('Ready', 'True', 'Published', 'Version 3 is published and matches the spec');
const synced = condition('Synced', 'True', 'ReconcileSuccess', 'The platform matches the spec');

describe('DataAction health in Argo CD', () => {
  it.each([
    { name: 'is Progressing before the operator wrote any status', obj: action(undefined), status: 'Progressing', message: 'Waiting for the operator to observe generation 2' },
    { name: 'is Healthy once published and synced', obj: action([published, synced]), status: 'Healthy', message: 'Version 3 is published and matches the spec' },
    {
      name: 'is Degraded when the draft was refused, with the reason',
      obj: action([published, condition('Synced', 'False', 'DraftInvalid', 'The platform refused the draft')]),
      status: 'Degraded',
      message: 'The platform refused the draft',
    },
    {
      name: 'is Progressing while its integration is not Ready',
      obj: action([condition('Ready', 'False', 'IntegrationNotReady', 'x'), condition('Synced', 'False', 'IntegrationNotReady', 'DataActionIntegration "orders" is not Ready')]),
      status: 'Progressing',
      message: 'DataActionIntegration "orders" is not Ready',
    },
    {
      name: 'is Progressing while it is being created',
      obj: action([condition('Ready', 'False', 'Creating', 'Creating the action on the platform'), synced]),
      status: 'Progressing',
      message: 'Creating the action on the platform',
    },
    {
      name: 'is Degraded when its test fails',
      obj: action([published, synced, condition('Tested', 'False', 'TestFailed', 'The test with spec.test.input failed: no input')]),
      status: 'Degraded',
      message: 'The test with spec.test.input failed: no input',
    },
    {
      name: 'is Progressing while it is being deleted, with what Ready says of it',
      obj: action([condition('Ready', 'False', 'Deleting', 'The resource is being deleted'), synced], { deletionTimestamp: '2026-11-29T10:00:00Z' }),
      status: 'Progressing',
      message: 'The resource is being deleted',
    },
    {
      name: 'shows why its deletion is stuck',
      obj: action([condition('Ready', 'False', 'Deleting', 'The resource is being deleted'), condition('Synced', 'False', 'PlatformError', 'The platform answered 503')], {
        deletionTimestamp: '2026-11-29T10:00:00Z',
      }),
      status: 'Progressing',
      message: 'The platform answered 503',
    },
  ])('$name', async ({ obj, status, message }) => {
    await expect(assess('DataAction', obj)).resolves.toEqual({ status, message });
  });
});
