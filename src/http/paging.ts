import type { FastifyReply, FastifyRequest } from 'fastify';
import { knownQueryOf } from './known-query.js';

export interface PageWindow {
  readonly offset: number;
  readonly limit: number;
  /** The page and size a "next" link asks for, if there are more rows. */
  readonly next: { readonly page: number; readonly perPage: number };
}

export interface Page<T> {
  readonly items: T[];
  readonly hasMore: boolean;
}

const DEFAULT_PER_PAGE = 12;
const UNPAGED_LIMIT = 1000;
const UNPAGED_NEXT_PER_PAGE = 100;

export function pageWindow(query: { page?: number; per_page?: number }): PageWindow {
  if (query.page === undefined && query.per_page === undefined) {
    // As the original service: everything, but never more than pages 1-10 of 100.
    return {
      offset: 0,
      limit: UNPAGED_LIMIT,
      next: { page: UNPAGED_LIMIT / UNPAGED_NEXT_PER_PAGE + 1, perPage: UNPAGED_NEXT_PER_PAGE },
    };
  }
  const page = query.page ?? 1;
  const perPage = query.per_page ?? DEFAULT_PER_PAGE;
  return { offset: (page - 1) * perPage, limit: perPage, next: { page: page + 1, perPage } };
}

/** Spells out the paging defaults, so that `?per_page=12` and `?page=1&per_page=12` read alike. */
export function withPagingDefaults(query: URLSearchParams): URLSearchParams {
  if (!query.has('page') && !query.has('per_page')) return query;
  if (!query.has('page')) query.set('page', '1');
  if (!query.has('per_page')) query.set('per_page', String(DEFAULT_PER_PAGE));
  return query;
}

/** Rows fetched with limit + 1: the extra row only says that more exist. */
export function toPage<T>(rows: T[], window: PageWindow): Page<T> {
  return rows.length > window.limit
    ? { items: rows.slice(0, window.limit), hasMore: true }
    : { items: rows, hasMore: false };
}

/** The route as declared when it has no parameters, so `/%67enres` links to `/genres/`. */
function canonicalPathOf(request: FastifyRequest): string {
  const route = request.routeOptions.url;
  if (route !== undefined && !/[:*]/.test(route)) return route;
  return new URL(request.url, 'http://placeholder').pathname;
}

export function sendPage<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  page: Page<T>,
  window: PageWindow,
): T[] {
  if (page.hasMore) {
    // Built from the known parameters only: a cached Link never carries another client's junk.
    const query = knownQueryOf(request);
    query.set('page', String(window.next.page));
    query.set('per_page', String(window.next.perPage));
    reply.header('link', `<${canonicalPathOf(request)}?${query.toString()}>; rel="next"`);
  }
  return page.items;
}
