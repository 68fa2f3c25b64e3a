// The marker that ties an integration to its resource: exact, never a substring of free text.
import { describe, expect, it } from 'vitest';
import { carriesAnotherMarker, carriesMarker, creationMarkerName, managedByUid } from '../../../src/reconcile/names.ts';
import { desiredNotes, managedByLine } from '../../../src/reconcile/notes.ts';

const MINE = { namespace: 'team-a', name: 'crm', uid: '1111-aaaa' };
const THEIRS = { namespace: 'team-b', name: 'billing', uid: '2222-bbbb' };

describe('which resource an integration belongs to', () => {
  it.each([
    {
      scenario: 'notes the operator wrote for this resource',
      name: 'CRM',
      notes: desiredNotes('Lookups.', MINE),
      mine: true,
      other: false,
    },
    { scenario: 'notes that are only the managed-by line', name: 'CRM', notes: managedByLine(MINE), mine: true, other: false },
    {
      scenario: 'notes quoting this resource in the user text, under another resource line',
      name: 'Billing',
      notes: desiredNotes(`See ${managedByLine(MINE)}`, THEIRS),
      mine: false,
      other: true,
    },
    {
      scenario: 'user notes quoting another resource line as a whole line, under this resource line',
      name: 'CRM',
      notes: desiredNotes(managedByLine(THEIRS), MINE),
      mine: true,
      other: false,
    },
    { scenario: 'free text that mentions the uid', name: 'CRM', notes: `Copied from ${MINE.uid}`, mine: false, other: false },
    { scenario: 'a name that holds the uid in free text', name: `CRM ${MINE.uid}`, notes: '', mine: false, other: false },
    {
      scenario: 'the creation marker name, before notes are written',
      name: creationMarkerName('CRM', MINE.uid),
      notes: '',
      mine: true,
      other: false,
    },
    {
      scenario: 'another resource creation marker name',
      name: creationMarkerName('CRM', THEIRS.uid),
      notes: undefined,
      mine: false,
      other: true,
    },
    {
      scenario: 'a displayName spelling this resource creation marker, on another resource integration',
      name: creationMarkerName(`X (creating ${MINE.uid})`, THEIRS.uid),
      notes: undefined,
      mine: false,
      other: true,
    },
    {
      scenario: 'a marker-looking name on an integration whose notes name another resource',
      name: creationMarkerName('CRM', MINE.uid),
      notes: managedByLine(THEIRS),
      mine: false,
      other: true,
    },
    { scenario: 'an integration made by hand', name: 'CRM', notes: 'Made by hand', mine: false, other: false },
    {
      scenario: 'the line with trailing blank lines (the platform may pad notes)',
      name: 'CRM',
      notes: `${managedByLine(MINE)}\n\n`,
      mine: true,
      other: false,
    },
  ])('$scenario', ({ name, notes, mine, other }) => {
    expect(carriesMarker(name, notes, MINE.uid)).toBe(mine);
    expect(carriesAnotherMarker(name, notes, MINE.uid)).toBe(other);
  });

  it('reads the uid of the managed-by line that ends the notes', () => {
    expect(managedByUid(desiredNotes('a\nb', THEIRS))).toBe(THEIRS.uid);
    expect(managedByUid(`${managedByLine(THEIRS)}\nmore text`)).toBeUndefined();
  });
});
