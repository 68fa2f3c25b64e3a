import { describe, expect, it } from 'vitest';
import { desiredNotes, managedByOf } from '../../../src/reconcile/notes.ts';

const OWNER = { namespace: 'team-b', name: 'crm', uid: '5b2f0c1e-0000-4000-8000-000000000002' };

describe('who the notes say manages an integration', () => {
  it('reads the managed-by line the operator ends the notes with', () => {
    expect(managedByOf(desiredNotes('Ticket lookups.', OWNER))).toEqual(OWNER);
  });

  it('ignores a managed-by line quoted earlier in the notes', () => {
    const quoted = `${desiredNotes(undefined, OWNER)}\nthat was the old owner`;
    expect(managedByOf(quoted)).toBeUndefined();
  });

  it('finds no owner in notes a person wrote', () => {
    expect(managedByOf('Created in the admin UI')).toBeUndefined();
    expect(managedByOf(undefined)).toBeUndefined();
  });
});
