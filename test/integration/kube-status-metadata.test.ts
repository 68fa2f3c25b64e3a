// Status and metadata writes against a real kube-apiserver and the project's DataActionIntegration CRD.
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { collectionPath, objectPath, type ObjectRef } from '../../src/kube/clients.ts';
import { ConflictError, isConflict } from '../../src/kube/errors.ts';
import { addFinalizer, patchMetadata, removeFinalizer } from '../../src/kube/metadata.ts';
import { setCondition, type Condition } from '../../src/api/index.ts';
import { writeStatus } from '../../src/kube/status-writer.ts';
import { createTransport } from '../../src/kube/transport.ts';
import { createTestNamespace } from '../testbed/namespace.ts';
import { DATA_ACTION_INTEGRATION_RESOURCE } from '../../src/api/index.ts';

const kc = new KubeConfig();
kc.loadFromFile(inject('kubeconfigPath'));
const api = createTransport(kc);

interface Integration extends KubernetesObject {
  spec: Record<string, unknown>;
  status?: { observedGeneration?: number; platformName?: string; conditions?: Condition[] };
}

let namespace: string;
beforeAll(async () => {
  namespace = await createTestNamespace('kube-status');
});

async function createIntegration(name: string): Promise<{ ref: ObjectRef; object: Integration }> {
  const object = await api.request<Integration>({
    method: 'POST',
    path: collectionPath(DATA_ACTION_INTEGRATION_RESOURCE, namespace),
    body: {
      apiVersion: 'dataactions.dev/v1alpha1',
      kind: 'DataActionIntegration',
      metadata: { name, namespace },
      spec: { organizationRef: { name: 'org' }, type: 'GenesysCloud', credentials: { secretRef: { name: 'creds' } } },
    },
  });
  return { ref: { ...DATA_ACTION_INTEGRATION_RESOURCE, namespace, name }, object };
}

const read = (ref: ObjectRef): Promise<Integration> => api.request<Integration>({ method: 'GET', path: objectPath(ref) });

describe('writeStatus', () => {
  it('writes a changed status once, then makes no write for the same status and keeps the transition time', async () => {
    const { ref, object } = await createIntegration('status-once');
    const creating = {
      type: 'Ready',
      status: 'False' as const,
      reason: 'Creating',
      message: 'Creating the integration',
      observedGeneration: 1,
    };

    const first = { observedGeneration: 1, conditions: setCondition(undefined, creating, new Date('2025-01-01T00:00:00Z')) };
    expect(await writeStatus(kc, ref, object.status, first)).toBe(true);
    const afterFirst = await read(ref);
    expect(afterFirst.status).toEqual(first);

    // A later reconcile reaches the same verdict at another time: nothing to write.
    const again = {
      observedGeneration: 1,
      conditions: setCondition(afterFirst.status?.conditions, creating, new Date('2025-01-01T00:10:00Z')),
    };
    expect(await writeStatus(kc, ref, afterFirst.status, again)).toBe(false);
    expect((await read(ref)).metadata?.resourceVersion).toBe(afterFirst.metadata?.resourceVersion);

    // A new reason without a status flip is written, and the transition time stays.
    const activating = { ...creating, reason: 'Activating', message: 'Waiting for the platform' };
    const third = {
      observedGeneration: 1,
      platformName: 'status-once',
      conditions: setCondition(afterFirst.status?.conditions, activating, new Date('2025-01-01T00:20:00Z')),
    };
    expect(await writeStatus(kc, ref, afterFirst.status, third)).toBe(true);
    const afterThird = await read(ref);
    expect(afterThird.status?.conditions?.[0]).toMatchObject({ reason: 'Activating', lastTransitionTime: '2025-01-01T00:00:00Z' });
    expect(afterThird.status?.platformName).toBe('status-once');
    expect(afterThird.spec).toEqual(object.spec);

    // A member the reconciler no longer reports is removed.
    const { platformName: _dropped, ...withoutName } = third;
    expect(await writeStatus(kc, ref, afterThird.status, withoutName)).toBe(true);
    expect((await read(ref)).status).toEqual(withoutName);
  });
});

describe('patchMetadata', () => {
  it('records an annotation when the object is unchanged since it was read', async () => {
    const { ref, object } = await createIntegration('pending-create');
    const patched = await patchMetadata(
      kc,
      ref,
      { annotations: { 'dataactions.dev/create-pending': 'true' } },
      object.metadata!.resourceVersion!,
    );
    expect(patched.metadata?.annotations).toEqual({ 'dataactions.dev/create-pending': 'true' });

    const removed = await patchMetadata(
      kc,
      ref,
      { annotations: { 'dataactions.dev/create-pending': null } },
      patched.metadata!.resourceVersion!,
    );
    expect(removed.metadata?.annotations ?? {}).toEqual({});
    expect((await read(ref)).spec).toEqual(object.spec);
  });

  it('is rejected with a conflict when the object changed since it was read', async () => {
    const { ref, object } = await createIntegration('stale-read');
    await patchMetadata(kc, ref, { annotations: { 'someone-else': 'wrote' } }, object.metadata!.resourceVersion!);

    const stale = patchMetadata(kc, ref, { annotations: { 'dataactions.dev/integration-id': 'abc' } }, object.metadata!.resourceVersion!);
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toMatchObject({ code: 'KubeConflict', statusCode: 409 });
    expect(isConflict(await stale.catch((error: unknown) => error))).toBe(true);
    expect((await read(ref)).metadata?.annotations).toEqual({ 'someone-else': 'wrote' });
  });

  it('adds a finalizer once and removes it, keeping finalizers of others', async () => {
    const { ref, object } = await createIntegration('finalized');
    const withOther = await patchMetadata(kc, ref, { finalizers: ['example.com/other'] }, object.metadata!.resourceVersion!);

    const added = await addFinalizer(kc, ref, withOther, 'dataactions.dev/finalizer');
    expect(added.metadata?.finalizers).toEqual(['example.com/other', 'dataactions.dev/finalizer']);
    expect(await addFinalizer(kc, ref, added, 'dataactions.dev/finalizer')).toBe(added);

    const removed = await removeFinalizer(kc, ref, added, 'dataactions.dev/finalizer');
    expect(removed.metadata?.finalizers).toEqual(['example.com/other']);
    await expect(removeFinalizer(kc, ref, added, 'example.com/other')).rejects.toBeInstanceOf(ConflictError);
    await patchMetadata(kc, ref, { finalizers: [] }, removed.metadata!.resourceVersion!);
  });
});
