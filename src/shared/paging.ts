import { validationError } from '../errors.js';
import { decodeIdCursor, type IdPageWindow } from './keyset-cursor.js';

// Paging arithmetic, free of HTTP: the routes turn query strings into a PageWindow, the
// services and repositories read pages through it.

export interface PageWindow {
  readonly offset: number;
  readonly limit: number;
  /** The page size of the links this answer carries (first, prev, next, last). */
  readonly perPage: number;
  /** The page number when paged by `page` (1 when not paged at all); null on a cursor page. */
  readonly page: number | null;
  /** The keyset cursor (`after`) this page starts behind, as sent. */
  readonly after: string | undefined;
}

/** A page without its items: what its headers are made of. */
export interface PageInfo {
  readonly hasMore: boolean;
  /** The cursor of the last item, for the next link; set when hasMore. */
  readonly nextCursor?: string;
  /** All matching rows, ignoring paging; set when the client asked for the count. */
  readonly total?: number;
}

export interface Page<T> extends PageInfo {
  readonly items: T[];
}

export interface PagingParameters {
  page?: number;
  per_page?: number;
  after?: string;
}

const DEFAULT_PER_PAGE = 12;
const UNPAGED_LIMIT = 1000;
const UNPAGED_NEXT_PER_PAGE = 100;

export function pageWindow(query: PagingParameters): PageWindow {
  if (query.after !== undefined) {
    if (query.page !== undefined) {
      throw validationError({ after: 'cannot be combined with page; send one or the other' });
    }
    const perPage = query.per_page ?? DEFAULT_PER_PAGE;
    return { offset: 0, limit: perPage, perPage, page: null, after: query.after };
  }
  if (query.page === undefined && query.per_page === undefined) {
    // As the original service: everything, but never more than pages 1-10 of 100.
    return {
      offset: 0,
      limit: UNPAGED_LIMIT,
      perPage: UNPAGED_NEXT_PER_PAGE,
      page: 1,
      after: undefined,
    };
  }
  const page = query.page ?? 1;
  const perPage = query.per_page ?? DEFAULT_PER_PAGE;
  return { offset: (page - 1) * perPage, limit: perPage, perPage, page, after: undefined };
}

/** Spells out the paging defaults, so that `?per_page=12` and `?page=1&per_page=12` read alike. */
export function withPagingDefaults(query: URLSearchParams): URLSearchParams {
  if (!query.has('page') && !query.has('per_page') && !query.has('after')) return query;
  if (!query.has('page') && !query.has('after')) query.set('page', '1');
  if (!query.has('per_page')) query.set('per_page', String(DEFAULT_PER_PAGE));
  return query;
}

/** Rows fetched with limit + 1: the extra row only says that more exist. */
export function toPage<T>(
  rows: T[],
  window: PageWindow,
  cursorOf: (last: T) => string,
  total?: number,
): Page<T> {
  const counted = total === undefined ? {} : { total };
  if (rows.length <= window.limit) return { items: rows, hasMore: false, ...counted };
  const items = rows.slice(0, window.limit);
  const last = items[items.length - 1];
  return {
    items,
    hasMore: true,
    ...(last === undefined ? {} : { nextCursor: cursorOf(last) }),
    ...counted,
  };
}

/** The rows an id-ordered list reads for this window: one more than the page, behind the cursor. */
export function idPageWindowOf(window: PageWindow): IdPageWindow {
  return { offset: window.offset, limit: window.limit + 1, afterId: decodeIdCursor(window.after) };
}

export interface ListOptions {
  /** Count every matching row (Prefer: count=exact); without it no count query runs. */
  readonly count: boolean;
}
