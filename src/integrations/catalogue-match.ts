// Finding a type whose id is not published in the platform's types catalogue
// (`GET /api/v2/integrations/types`). UNCONFIRMED (docs/platform-facts.md §1): the matching rule is a
// guess; the type files that use it list it among their unconfirmed facts.

export interface CatalogueEntry {
  readonly id: string;
  readonly name?: string | undefined;
}

/**
 * The catalogue holds a vendor's other integrations too (speech, messaging, ...): a match needs both the
 * vendor and "data actions" (or the older "datadip") in the id or name.
 */
export function matchesDataActionsOf(vendor: RegExp): (entry: CatalogueEntry) => boolean {
  return (entry) => {
    const text = `${entry.id} ${entry.name ?? ''}`;
    return vendor.test(text) && /data[\s_-]?(?:actions?|dip)/i.test(text);
  };
}
