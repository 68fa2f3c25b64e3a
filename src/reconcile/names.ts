// Integration names: the platform allows duplicates through the API, but flows and data actions tell
// integrations apart by name, so the operator picks a unique one itself.

/** The most numbered suffixes tried before giving up (an org holds at most 100 of one type). */
const MAX_SUFFIX = 1000;

/** True when `name` is `base` or `base N` (N ≥ 2): a name the operator may keep for this base. */
export function nameFitsBase(name: string, base: string): boolean {
  if (name === base) return true;
  if (!name.startsWith(`${base} `)) return false;
  const suffix = name.slice(base.length + 1);
  return /^[1-9][0-9]*$/.test(suffix) && Number(suffix) >= 2;
}

/** The first of `base`, `base 2`, `base 3`, ... that is not in `taken`. */
export function chooseName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; n <= MAX_SUFFIX; n += 1) {
    const candidate = `${base} ${n}`;
    if (!taken.has(candidate)) return candidate;
  }
  throw new Error(`No free name for "${base}" below suffix ${MAX_SUFFIX}`);
}

/**
 * The temporary name an integration is created with. It carries the resource's UID so that, after a
 * crash between the create call and recording its id, the operator finds the integration again
 * instead of creating a second one.
 */
export function creationMarkerName(base: string, uid: string): string {
  return `${base.slice(0, 100)} (creating ${uid})`;
}

export function carriesMarker(name: string | undefined, notes: string | undefined, uid: string): boolean {
  return (name?.includes(uid) ?? false) || (notes?.includes(uid) ?? false);
}
