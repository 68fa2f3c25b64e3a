// The writes the reconcilers make to their own resources, as a narrow interface src/kube implements
// (kube/resource-writer.ts) and operator.ts wires. Here, below both, because src/reconcile must not import
// src/kube: a reconciler sees these methods and the two stable error codes below, never a KubeConfig.
import type { KubernetesObject } from '@kubernetes/client-node';

/**
 * The stable `code` a write's error carries when it lost a race: the object changed since it was read
 * (HTTP 409), or it is gone (HTTP 404). src/kube's KubeApiError sets them.
 */
export const WRITE_RACE_CODES = { conflict: 'KubeConflict', notFound: 'KubeNotFound' } as const;

function codeOf(error: unknown): unknown {
  return error instanceof Error ? (error as { code?: unknown }).code : undefined;
}

/** A write's error: an Error with a stable `code`. */
export type WriteError = Error & { readonly code: string };

/** The object changed since it was read: a newer version is on its way through the watch. */
export function isWriteConflict(error: unknown): error is WriteError {
  return codeOf(error) === WRITE_RACE_CODES.conflict;
}

/** The object is gone: nothing is left to reconcile. */
export function isWriteTargetGone(error: unknown): error is WriteError {
  return codeOf(error) === WRITE_RACE_CODES.notFound;
}

/** Writes to objects of one kind, each addressed by its metadata's namespace and name. Never touches spec. */
export interface ResourceWriter {
  /**
   * Merge-patches annotations (null removes one), guarded by the object's resourceVersion: refused
   * with a conflict when anything changed since it was read. Returns the object as written.
   */
  annotate(object: KubernetesObject, annotations: Readonly<Record<string, string | null>>): Promise<KubernetesObject>;
  /**
   * Merge-patches just these annotations without a resourceVersion, so no unrelated change (a label,
   * another annotation) can refuse it: for recording what the platform holds.
   */
  annotateUnguarded(object: KubernetesObject, annotations: Readonly<Record<string, string | null>>): Promise<KubernetesObject>;
  /** Adds the finalizer unless present (guarded); returns the object as it now is. */
  addFinalizer(object: KubernetesObject, finalizer: string): Promise<KubernetesObject>;
  /** Removes the finalizer if present (guarded); returns the object as it now is. */
  removeFinalizer(object: KubernetesObject, finalizer: string): Promise<KubernetesObject>;
  /**
   * Patches the status subresource from `current` to `desired` with a minimal merge patch, only when
   * they differ. Returns whether it wrote.
   */
  writeStatus(
    object: KubernetesObject,
    current: Readonly<Record<string, unknown>> | undefined,
    desired: Readonly<Record<string, unknown>>,
  ): Promise<boolean>;
}
