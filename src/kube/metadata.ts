// Guarded writes to metadata (annotations, finalizers). Each carries the resourceVersion the caller
// read, so the API server answers 409 if anything changed since: the reconciler relies on that to
// record "a create is pending" and "the created id" without racing another writer. Never touches spec.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { objectPath, type ObjectRef } from './clients.ts';
import { MissingResourceVersionError } from './errors.ts';
import { transportFor } from './transport.ts';

export { ConflictError, isConflict } from './errors.ts';

export interface MetadataChange {
  /** A null value removes the annotation. */
  annotations?: Record<string, string | null>;
  /** The complete new list (a merge patch replaces lists whole; the resourceVersion makes that safe). */
  finalizers?: string[];
}

/** Merge-patches metadata, guarded by `expectedResourceVersion`; throws ConflictError when stale. */
export async function patchMetadata(
  kc: KubeConfig,
  target: ObjectRef,
  change: MetadataChange,
  expectedResourceVersion: string,
): Promise<KubernetesObject> {
  const metadata: Record<string, unknown> = { resourceVersion: expectedResourceVersion };
  if (change.annotations !== undefined) metadata['annotations'] = change.annotations;
  if (change.finalizers !== undefined) metadata['finalizers'] = change.finalizers;
  return transportFor(kc).request<KubernetesObject>({
    method: 'PATCH',
    path: objectPath(target),
    contentType: 'application/merge-patch+json',
    body: { metadata },
  });
}

/** Adds `finalizer` unless present; returns the object as it now is (unchanged when no write was needed). */
export async function addFinalizer(
  kc: KubeConfig,
  target: ObjectRef,
  object: KubernetesObject,
  finalizer: string,
): Promise<KubernetesObject> {
  const finalizers = object.metadata?.finalizers ?? [];
  if (finalizers.includes(finalizer)) return object;
  return patchMetadata(kc, target, { finalizers: [...finalizers, finalizer] }, resourceVersionOf(object));
}

/** Removes `finalizer` if present; returns the object as it now is. */
export async function removeFinalizer(
  kc: KubeConfig,
  target: ObjectRef,
  object: KubernetesObject,
  finalizer: string,
): Promise<KubernetesObject> {
  const finalizers = object.metadata?.finalizers ?? [];
  if (!finalizers.includes(finalizer)) return object;
  return patchMetadata(kc, target, { finalizers: finalizers.filter((name) => name !== finalizer) }, resourceVersionOf(object));
}

function resourceVersionOf(object: KubernetesObject): string {
  const resourceVersion = object.metadata?.resourceVersion;
  // Without a resourceVersion the patch would be unguarded; refuse rather than risk a lost update.
  if (resourceVersion === undefined || resourceVersion === '') {
    throw new MissingResourceVersionError(
      `Object ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''} has no resourceVersion`,
    );
  }
  return resourceVersion;
}
