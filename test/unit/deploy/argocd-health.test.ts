// The Argo CD health checks of integrations and organizations, as argocd-cm carries them (lua-health.ts).
import { describe, expect, it } from 'vitest';
import { ORGANIZATION_READY_REASONS, RETRYABLE_REASONS, TERMINAL_REASONS } from '../../../src/api/conditions.ts';
import { useLuaHealth } from './lua-health.ts';

const { assess, assessText } = useLuaHealth();

interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
}

function condition(type: string, status: Condition['status'], reason: string, message: string, observedGeneration = 2): Condition {
  return { type, status, reason, message, observedGeneration };
}

function integration(status: object | undefined, metadata: object = {}): object {
  return {
    apiVersion: 'dataactions.dev/v1alpha1',
    kind: 'DataActionIntegration',
    metadata: { name: 'crm', namespace: 'contact-center', generation: 2, ...metadata },
    spec: { type: 'WebServices', organizationRef: { name: 'prod' } },
    ...(status === undefined ? {} : { status }),
  };
}

function organization(status: object | undefined, metadata: object = {}): object {
  return {
    apiVersion: 'dataactions.dev/v1alpha1',
    kind: 'GenesysCloudOrganization',
    metadata: { name: 'prod', namespace: 'contact-center', generation: 2, ...metadata },
    spec: { region: 'us-east-1', oauthClientSecretRef: { name: 'prod-oauth' } },
    ...(status === undefined ? {} : { status }),
  };
}

const available = condition('Ready', 'True', 'Available', 'Integration "crm" is ACTIVE');
const synced = condition('Synced', 'True', 'ReconcileSuccess', 'Reconciled');

describe('DataActionIntegration health in Argo CD', () => {
  const cases: { name: string; obj: object; status: string; message: string }[] = [
    {
      name: 'is Progressing before the operator wrote any status',
      obj: integration(undefined),
      status: 'Progressing',
      message: 'Waiting for the operator to observe generation 2',
    },
    {
      name: 'is Progressing while the operator has not observed the latest generation',
      obj: integration({ observedGeneration: 1, conditions: [{ ...available, observedGeneration: 1 }, { ...synced, observedGeneration: 1 }] }),
      status: 'Progressing',
      message: 'Waiting for the operator to observe generation 2',
    },
    {
      name: 'is Progressing when its conditions were written for an older generation',
      obj: integration({ observedGeneration: 2, conditions: [{ ...available, observedGeneration: 1 }, synced] }),
      status: 'Progressing',
      message: 'Waiting for the operator to observe generation 2',
    },
    {
      name: 'is Healthy when Ready and Synced are True',
      obj: integration({ observedGeneration: 2, conditions: [available, synced] }),
      status: 'Healthy',
      message: 'Integration "crm" is ACTIVE',
    },
    {
      name: 'is Healthy when deactivated as asked',
      obj: integration({ observedGeneration: 2, conditions: [condition('Ready', 'True', 'Available', 'Integration "crm" is INACTIVE as requested'), synced] }),
      status: 'Healthy',
      message: 'Integration "crm" is INACTIVE as requested',
    },
    {
      name: 'is Progressing while the platform creates it',
      obj: integration({ observedGeneration: 2, conditions: [condition('Ready', 'False', 'Creating', 'Creating integration "crm"'), synced] }),
      status: 'Progressing',
      message: 'Creating integration "crm"',
    },
    {
      name: 'is Progressing while the platform activates it',
      obj: integration({ observedGeneration: 2, conditions: [condition('Ready', 'False', 'Activating', 'Integration "crm" is ACTIVATING'), synced] }),
      status: 'Progressing',
      message: 'Integration "crm" is ACTIVATING',
    },
    {
      name: 'is Degraded when the platform reports the integration in error',
      obj: integration({ observedGeneration: 2, conditions: [condition('Ready', 'False', 'Error', 'Integration "crm" is in ERROR on the platform'), synced] }),
      status: 'Degraded',
      message: 'Integration "crm" is in ERROR on the platform',
    },
    {
      name: 'is Progressing while being deleted',
      obj: integration({ observedGeneration: 2, conditions: [condition('Ready', 'False', 'Deleting', 'Deleting integration "crm"'), synced] }, { deletionTimestamp: '2025-01-01T00:00:00Z' }),
      status: 'Progressing',
      message: 'Deleting integration "crm"',
    },
    {
      name: 'is Progressing while being deleted even when its status is stale',
      obj: integration(undefined, { generation: 3, deletionTimestamp: '2025-01-01T00:00:00Z' }),
      status: 'Progressing',
      message: 'Waiting for the operator to delete the integration',
    },
    {
      name: 'shows why a deletion is stuck',
      obj: integration({ observedGeneration: 2, conditions: [available, condition('Synced', 'False', 'Unauthorized', 'The OAuth client may not delete integrations')] }, { deletionTimestamp: '2025-01-01T00:00:00Z' }),
      status: 'Progressing',
      message: 'The OAuth client may not delete integrations',
    },
    {
      name: 'is Degraded when its Synced reason needs a person, whatever Ready says',
      obj: integration({ observedGeneration: 2, conditions: [available, condition('Synced', 'False', 'QuotaExceeded', 'WebServices allows 50 integrations; 50 are installed')] }),
      status: 'Degraded',
      message: 'WebServices allows 50 integrations; 50 are installed',
    },
    {
      name: 'is Degraded, not Progressing forever, when an adopted integration id does not exist',
      obj: integration({ observedGeneration: 2, conditions: [condition('Ready', 'False', 'IntegrationNotFound', 'Integration abc named by the annotation dataactions.dev/integration-id was not found on the platform'), condition('Synced', 'False', 'IntegrationNotFound', 'Integration abc named by the annotation dataactions.dev/integration-id was not found on the platform')] }),
      status: 'Degraded',
      message: 'Integration abc named by the annotation dataactions.dev/integration-id was not found on the platform',
    },
    {
      name: 'is Degraded for a reason this check does not know',
      obj: integration({ observedGeneration: 2, conditions: [available, condition('Synced', 'False', 'SomethingNew', 'A new kind of failure')] }),
      status: 'Degraded',
      message: 'A new kind of failure',
    },
    {
      name: 'falls back to the reason when the condition has no message',
      obj: integration({ observedGeneration: 2, conditions: [available, condition('Synced', 'False', 'InvalidSpec', '')] }),
      status: 'Degraded',
      message: 'Not synced: InvalidSpec',
    },
    // The reasons come from the operator's vocabulary, so a reason added there fails here until the Lua knows it.
    ...Object.values(TERMINAL_REASONS).map((reason) => ({
      name: `is Degraded when Synced is False with the terminal reason ${reason}`,
      obj: integration({ observedGeneration: 2, conditions: [condition('Ready', 'False', 'Unavailable', 'Not available'), condition('Synced', 'False', reason, `${reason} happened`)] }),
      status: 'Degraded',
      message: `${reason} happened`,
    })),
    ...Object.values(RETRYABLE_REASONS).map((reason) => ({
      name: `is Progressing when Synced is False with the retryable reason ${reason}`,
      obj: integration({ observedGeneration: 2, conditions: [condition('Ready', 'False', 'Unavailable', 'Not available'), condition('Synced', 'False', reason, `${reason}, retrying`)] }),
      status: 'Progressing',
      message: `${reason}, retrying`,
    })),
  ];

  it.each(cases)('$name', async ({ obj, status, message }) => {
    await expect(assess('DataActionIntegration', obj)).resolves.toEqual({ status, message });
  });
});

describe('GenesysCloudOrganization health in Argo CD', () => {
  const retryable = new Set<string>(Object.values(RETRYABLE_REASONS));
  const organizationFailures = Object.values(ORGANIZATION_READY_REASONS).filter((reason) => reason !== ORGANIZATION_READY_REASONS.connected);
  const connected = condition('Ready', 'True', 'Connected', 'Connected to organization "Acme" (us-east-1)');
  const cases: { name: string; obj: object; status: string; message: string }[] = [
    {
      name: 'is Progressing before the operator wrote any status',
      obj: organization(undefined),
      status: 'Progressing',
      message: 'Waiting for the operator to observe generation 2',
    },
    {
      name: 'is Progressing while the operator has not observed the latest generation',
      obj: organization({ observedGeneration: 1, conditions: [{ ...connected, observedGeneration: 1 }] }, { generation: 2 }),
      status: 'Progressing',
      message: 'Waiting for the operator to observe generation 2',
    },
    {
      name: 'is Healthy when connected',
      obj: organization({ observedGeneration: 2, conditions: [connected] }),
      status: 'Healthy',
      message: 'Connected to organization "Acme" (us-east-1)',
    },
    {
      name: 'is Progressing while integrations still use it during deletion',
      obj: organization({ observedGeneration: 2, conditions: [connected] }, { deletionTimestamp: '2025-01-01T00:00:00Z' }),
      status: 'Progressing',
      message: 'Waiting for the integrations that use this organization to be deleted',
    },
    ...organizationFailures.filter((reason) => !retryable.has(reason)).map((reason) => ({
      name: `is Degraded when Ready is False with the terminal reason ${reason}`,
      obj: organization({ observedGeneration: 2, conditions: [condition('Ready', 'False', reason, `${reason} happened`)] }),
      status: 'Degraded',
      message: `${reason} happened`,
    })),
    ...organizationFailures.filter((reason) => retryable.has(reason)).map((reason) => ({
      name: `is Progressing when Ready is False with the retryable reason ${reason}`,
      obj: organization({ observedGeneration: 2, conditions: [condition('Ready', 'False', reason, `${reason}, retrying`)] }),
      status: 'Progressing',
      message: `${reason}, retrying`,
    })),
  ];

  it.each(cases)('$name', async ({ obj, status, message }) => {
    await expect(assess('GenesysCloudOrganization', obj)).resolves.toEqual({ status, message });
  });
});

describe('the Lua runner', () => {
  it('rejects a script that uses a library Argo CD does not open', async () => {
    await expect(assessText('return { status = string.upper("healthy") }\n', integration(undefined))).rejects.toThrow(/string/);
  });
});
