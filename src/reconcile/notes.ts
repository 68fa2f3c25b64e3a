// The notes the operator writes: the user's notes, then a line that says who manages the integration
// (so a person in the admin UI knows edits will be reverted) and carries the resource's UID.

export interface ManagedBy {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export function managedByLine(owner: ManagedBy): string {
  return `Managed by dataaction-operator from DataActionIntegration ${owner.namespace}/${owner.name} (uid ${owner.uid}); edits here are reverted.`;
}

export function desiredNotes(userNotes: string | undefined, owner: ManagedBy): string {
  const line = managedByLine(owner);
  const trimmed = userNotes?.trim() ?? '';
  return trimmed === '' ? line : `${trimmed}\n\n${line}`;
}

const MANAGED_BY =
  /^Managed by dataaction-operator from DataActionIntegration ([^/\s]+)\/(\S+) \(uid ([^)\s]+)\); edits here are reverted\.$/;

/**
 * The resource named by the managed-by line the operator ends notes with, if the last line of `notes` is
 * exactly one: a line quoted earlier in a user's notes does not count.
 */
export function managedByOf(notes: string | undefined): ManagedBy | undefined {
  const last = notes?.trimEnd().split('\n').pop()?.trim() ?? '';
  const match = MANAGED_BY.exec(last);
  if (match === null) return undefined;
  return { namespace: match[1] ?? '', name: match[2] ?? '', uid: match[3] ?? '' };
}
