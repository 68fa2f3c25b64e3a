import { PlatformError } from './errors.ts';
import { pageSchema } from './schemas.ts';
import { readAs } from './response.ts';

// A listing longer than this is a platform loop, not an organization.
const MAX_PAGES = 1_000;

/**
 * Reads a page-based listing to the end: up to `pageCount` when the platform gives it, otherwise until
 * an empty page (what TF does, platform-api.md §2). Entities are checked one by one and kept once per id,
 * since a page-based listing shifts when something is created while it is read.
 */
export async function readAllPages<T extends { readonly id: string }>(
  fetchPage: (pageNumber: number) => Promise<unknown>,
  readEntity: (entity: unknown) => T,
  what: string,
): Promise<T[]> {
  const byId = new Map<string, T>();
  for (let pageNumber = 1; ; pageNumber += 1) {
    if (pageNumber > MAX_PAGES) throw new PlatformError('BadResponse', `${what}: more than ${MAX_PAGES} pages`);
    const page = readAs(pageSchema, await fetchPage(pageNumber), what);
    for (const raw of page.entities) {
      const entity = readEntity(raw);
      if (!byId.has(entity.id)) byId.set(entity.id, entity);
    }
    if (page.entities.length === 0) break;
    if (page.pageCount !== undefined && pageNumber >= page.pageCount) break;
  }
  return [...byId.values()];
}
