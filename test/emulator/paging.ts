// Page-number paging and the listing envelope of docs/platform-facts.md §2 (IntegrationEntityListing).
import { badRequest } from './errors.ts';

export interface PageRequest {
  readonly pageSize: number;
  readonly pageNumber: number;
}

export interface PagedListing<T> {
  entities: T[];
  pageSize: number;
  pageNumber: number;
  total: number;
  firstUri: string;
  nextUri?: string;
  previousUri?: string;
  lastUri: string;
  selfUri: string;
  pageCount: number;
}

// The developer center says 1-999 for both (§2).
const MAX_PAGE_VALUE = 999;

export function parsePageRequest(query: URLSearchParams, defaultPageSize = 25): PageRequest {
  return {
    pageSize: parseBounded(query, 'pageSize', defaultPageSize),
    pageNumber: parseBounded(query, 'pageNumber', 1),
  };
}

function parseBounded(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_VALUE) {
    throw badRequest(`${name} must be an integer between 1 and ${MAX_PAGE_VALUE}`, name);
  }
  return value;
}

/**
 * One page of `all`. `shift` plays a listing that changes while it is paged: on pages after the first, the
 * window starts `shift` entries later (entries before it vanished: the client skips one) or earlier (new
 * entries appeared before it: the client sees one twice), and `total` counts accordingly.
 */
export function pageOf<T>(all: readonly T[], page: PageRequest, path: string, query: URLSearchParams, shift = 0): PagedListing<T> {
  const moved = page.pageNumber > 1 ? shift : 0;
  const total = Math.max(0, all.length - moved);
  const pageCount = Math.ceil(total / page.pageSize);
  const uri = (pageNumber: number): string => {
    const params = new URLSearchParams(query);
    params.set('pageSize', String(page.pageSize));
    params.set('pageNumber', String(pageNumber));
    return `${path}?${params.toString()}`;
  };
  const start = Math.max(0, (page.pageNumber - 1) * page.pageSize + moved);
  const listing: PagedListing<T> = {
    entities: all.slice(start, start + page.pageSize),
    pageSize: page.pageSize,
    pageNumber: page.pageNumber,
    total,
    firstUri: uri(1),
    lastUri: uri(Math.max(1, pageCount)),
    selfUri: uri(page.pageNumber),
    pageCount,
  };
  if (page.pageNumber < pageCount) listing.nextUri = uri(page.pageNumber + 1);
  if (page.pageNumber > 1) listing.previousUri = uri(Math.min(page.pageNumber - 1, Math.max(1, pageCount)));
  return listing;
}
