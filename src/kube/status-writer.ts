// A writer that patches /status only when it changed, so a resync at steady state makes no writes. The
// conditions it writes are set by src/api/conditions.ts's setCondition.
import type { KubeConfig } from '@kubernetes/client-node';
import { objectPath, type ObjectRef } from './clients.ts';
import { transportFor } from './transport.ts';

/** True when `desired` differs from `current` as JSON would: key order and undefined members don't count. */
export function statusChanged(current: unknown, desired: unknown): boolean {
  return !jsonEqual(current, desired);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => jsonEqual(item, b[index]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      if (!jsonEqual(a[key], b[key])) return false;
    }
    return true;
  }
  return false;
}

/**
 * The RFC 7386 merge patch that turns `current` into `desired`: changed members set, removed members
 * null, nested objects patched member by member, arrays replaced whole.
 */
export function mergePatchBetween(current: Record<string, unknown>, desired: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(current)) {
    if (current[key] !== undefined && desired[key] === undefined) patch[key] = null;
  }
  for (const [key, value] of Object.entries(desired)) {
    if (value === undefined || jsonEqual(current[key], value)) continue;
    const before = current[key];
    patch[key] = isPlainObject(before) && isPlainObject(value) ? mergePatchBetween(before, value) : value;
  }
  return patch;
}

/**
 * Patches the status subresource from `current` to `desired` with a merge patch, only when they differ.
 * Returns whether it wrote. Throws KubeApiError (for example KubeNotFound once the object is gone).
 */
export async function writeStatus(
  kc: KubeConfig,
  target: ObjectRef,
  current: Record<string, unknown> | undefined,
  desired: Record<string, unknown>,
): Promise<boolean> {
  if (!statusChanged(current ?? {}, desired)) return false;
  await transportFor(kc).request({
    method: 'PATCH',
    path: objectPath(target, 'status'),
    contentType: 'application/merge-patch+json',
    body: { status: mergePatchBetween(current ?? {}, desired) },
  });
  return true;
}
