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
