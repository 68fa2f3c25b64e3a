// Integration names: the platform allows duplicates through the API, but flows and data actions tell
// integrations apart by name, so the operator picks a unique one itself.
import { managedByLine } from './notes.ts';

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

// The managed-by line with its three fields opened up: namespace and name are Kubernetes names (no
// blanks, no slash, no parentheses), the uid is what the operator looks for.
const FIELD = { namespace: '\u0001', name: '\u0002', uid: '\u0003' };
const MANAGED_BY_LINE = new RegExp(
  `^${managedByLine(FIELD)
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(FIELD.namespace, '[^\\s/()]+')
    .replace(FIELD.name, '[^\\s/()]+')
    .replace(FIELD.uid, '([^\\s()]+)')}$`,
);

/**
 * The uid of the resource whose managed-by line ends `notes`, if any. Only the last line counts: the
 * operator appends its line after the user's notes, so a managed-by line the user quoted in spec.notes
 * always sits above the real one.
 */
export function managedByUid(notes: string | undefined): string | undefined {
  const lines = (notes ?? '').trimEnd().split(/\r?\n/);
  return MANAGED_BY_LINE.exec(lines.at(-1)?.trim() ?? '')?.[1];
}

/** True when `name` is exactly a creation marker name (see creationMarkerName) for `uid`. */
function isCreationMarkerOf(name: string | undefined, uid: string): boolean {
  return uid !== '' && (name?.endsWith(` (creating ${uid})`) ?? false);
}

/**
 * True when the integration is this resource's: its notes end with the resource's managed-by line, or,
 * before any notes are written, its name is the resource's creation marker. A marker name is not
 * trusted when the notes name another resource: a displayName can spell out anything.
 */
export function carriesMarker(name: string | undefined, notes: string | undefined, uid: string): boolean {
  if (uid === '') return false;
  const owner = managedByUid(notes);
  return owner === undefined ? isCreationMarkerOf(name, uid) : owner === uid;
}

/**
 * True when the integration carries the marker of a resource other than `uid` (its managed-by line, or
 * a creation marker name for another uid): adopting or deleting it would take another resource's.
 */
export function carriesAnotherMarker(name: string | undefined, notes: string | undefined, uid: string): boolean {
  const owner = managedByUid(notes);
  if (owner !== undefined) return owner !== uid;
  const marker = / \(creating ([^\s()]+)\)$/.exec(name ?? '');
  return marker !== null && marker[1] !== uid;
}
