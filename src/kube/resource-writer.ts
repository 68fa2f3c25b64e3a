// The reconcilers' writes to their own resources (src/lib/resource-writer.ts), over the guarded metadata
// patches and the status writer of this directory.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { ResourceWriter } from '../lib/resource-writer.ts';
import { objectPath, type ObjectRef, type ResourceRef } from './clients.ts';
import { addFinalizer, patchMetadata, removeFinalizer } from './metadata.ts';
import { writeStatus } from './status-writer.ts';
import { transportFor } from './transport.ts';

/** A writer for objects of `resource`; errors are KubeApiErrors, whose codes name a conflict or a 404. */
export function createResourceWriter(kc: KubeConfig, resource: ResourceRef): ResourceWriter {
  const target = (object: KubernetesObject): ObjectRef => ({
    ...resource,
    namespace: object.metadata?.namespace ?? '',
    name: object.metadata?.name ?? '',
  });
  return {
    annotate: (object, annotations) =>
      patchMetadata(kc, target(object), { annotations: { ...annotations } }, object.metadata?.resourceVersion ?? ''),
    annotateUnguarded: (object, annotations) =>
      transportFor(kc).request<KubernetesObject>({
        method: 'PATCH',
        path: objectPath(target(object)),
        contentType: 'application/merge-patch+json',
        body: { metadata: { annotations } },
      }),
    addFinalizer: (object, finalizer) => addFinalizer(kc, target(object), object, finalizer),
    removeFinalizer: (object, finalizer) => removeFinalizer(kc, target(object), object, finalizer),
    writeStatus: (object, current, desired) =>
      writeStatus(kc, target(object), current === undefined ? undefined : { ...current }, { ...desired }),
  };
}
