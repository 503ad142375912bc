import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ListOptions, Page, PageInfo, PageWindow } from '../shared/paging.js';
import { knownQueryOf } from './known-query.js';
import { wantsExactCount } from './prefer.js';

/** The route as declared when it has no parameters, so `/%67enres` links to `/genres/`. */
function canonicalPathOf(request: FastifyRequest): string {
  const route = request.routeOptions.url;
  if (route !== undefined && !/[:*]/.test(route)) return route;
  return new URL(request.url, 'http://placeholder').pathname;
}

function pageLinks(page: PageInfo, window: PageWindow): [string, Record<string, string>][] {
  const perPage = String(window.perPage);
  const links: [string, Record<string, string>][] = [];
  if (window.page !== 1) links.push(['first', { page: '1', per_page: perPage }]);
  // A cursor page has no cheap previous page (its rows are not numbered); first leads back.
  if (window.page !== null && window.page > 1) {
    links.push(['prev', { page: String(window.page - 1), per_page: perPage }]);
  }
  if (page.hasMore && page.nextCursor !== undefined) {
    links.push(['next', { per_page: perPage, after: page.nextCursor }]);
  }
  if (page.total !== undefined) {
    const lastPage = Math.max(1, Math.ceil(page.total / window.perPage));
    links.push(['last', { page: String(lastPage), per_page: perPage }]);
  }
  return links;
}

/** The Link, X-Total-Count and Preference-Applied headers of a page. */
export function setPageHeaders(
  request: FastifyRequest,
  reply: FastifyReply,
  page: PageInfo,
  window: PageWindow,
): void {
  const path = canonicalPathOf(request);
  // Built from the known parameters only: a cached Link never carries another client's junk.
  const known = knownQueryOf(request);
  const links = pageLinks(page, window).map(([rel, paging]) => {
    const query = new URLSearchParams(known);
    for (const name of ['page', 'per_page', 'after']) {
      if (!(name in paging)) query.delete(name);
    }
    for (const [name, value] of Object.entries(paging)) query.set(name, value);
    return `<${path}?${query.toString()}>; rel="${rel}"`;
  });
  if (links.length > 0) reply.header('link', links.join(', '));
  if (page.total !== undefined) {
    reply.header('x-total-count', String(page.total));
    reply.header('preference-applied', 'count=exact');
  }
}

export function sendPage<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  page: Page<T>,
  window: PageWindow,
): T[] {
  setPageHeaders(request, reply, page, window);
  return page.items;
}

export const listOptionsOf = (request: FastifyRequest): ListOptions => ({
  count: wantsExactCount(request),
});
