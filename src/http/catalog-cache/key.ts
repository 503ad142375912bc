import type { FastifyRequest } from 'fastify';
import { knownQueryOf } from '../known-query.js';
import { withPagingDefaults } from '../../shared/paging.js';
import { wantsExactCount } from '../prefer.js';

/**
 * One key per answer: the route, its validated path parameters and its known query parameters,
 * sorted, with paging defaults spelled out. Unknown parameters and spelling variants
 * (`/genres` or `/genres/`, `page=01`) share the entry of the canonical request. A counted
 * answer (Prefer: count=exact) has headers an uncounted one lacks: it is kept apart.
 */
export function catalogCacheKeyOf(request: FastifyRequest): string {
  const query = withPagingDefaults(knownQueryOf(request));
  query.sort();
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries((request.params ?? {}) as Record<string, unknown>)) {
    params.append(key, String(value));
  }
  params.sort();
  const counted = wantsExactCount(request) ? ' count=exact' : '';
  return `${request.routeOptions.url ?? ''} ${params.toString()} ${query.toString()}${counted}`;
}
