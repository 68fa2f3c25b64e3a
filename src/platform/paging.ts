import { PlatformError } from './errors.ts';
import { pageSchema } from './schemas.ts';
import { readAs } from './response.ts';

// A listing longer than this is a platform loop, not an organization.
const MAX_PAGES = 1_000;
// Passes over a multi-page listing before giving up on it settling (each pass after the first is a re-read).
const MAX_PASSES = 4;

interface Pass<T> {
  readonly entities: T[];
  /** Requests made. */
  readonly pages: number;
}

/**
 * Reads a page-based listing to the end: up to `pageCount` when the platform gives it, otherwise until
 * an empty page (what TF does, docs/platform-facts.md §2). Entities are checked one by one and kept once per id,
 * since a page-based listing shifts when something is created while it is read.
 *
 * A deletion while it is read shifts the later entries one place up, so one of them falls between two
 * pages and is never seen. A listing that took more than one request is therefore read again until two
 * consecutive passes hold the same ids; one answered in a single request cannot skip.
 */
export async function readAllPages<T extends { readonly id: string }>(
  fetchPage: (pageNumber: number) => Promise<unknown>,
  readEntity: (entity: unknown) => T,
  what: string,
): Promise<T[]> {
  let previous = await readPass(fetchPage, readEntity, what);
  for (let pass = 2; previous.pages > 1; pass += 1) {
    if (pass > MAX_PASSES) throw new PlatformError('Unavailable', `${what}: the listing kept changing over ${MAX_PASSES} reads`);
    const next = await readPass(fetchPage, readEntity, what);
    if (sameIds(previous.entities, next.entities)) return next.entities;
    previous = next;
  }
  return previous.entities;
}

async function readPass<T extends { readonly id: string }>(
  fetchPage: (pageNumber: number) => Promise<unknown>,
  readEntity: (entity: unknown) => T,
  what: string,
): Promise<Pass<T>> {
  const byId = new Map<string, T>();
  let pageNumber = 1;
  for (; ; pageNumber += 1) {
    if (pageNumber > MAX_PAGES) throw new PlatformError('BadResponse', `${what}: more than ${MAX_PAGES} pages`);
    const page = readAs(pageSchema, await fetchPage(pageNumber), what);
    for (const raw of page.entities) {
      const entity = readEntity(raw);
      if (!byId.has(entity.id)) byId.set(entity.id, entity);
    }
    if (page.entities.length === 0) break;
    if (page.pageCount !== undefined && pageNumber >= page.pageCount) break;
  }
  return { entities: [...byId.values()], pages: pageNumber };
}

function sameIds(a: readonly { readonly id: string }[], b: readonly { readonly id: string }[]): boolean {
  if (a.length !== b.length) return false;
  const ids = new Set(a.map((e) => e.id));
  return b.every((e) => ids.has(e.id));
}
