import type { FastifyRequest } from 'fastify';

function knownQueryKeys(request: FastifyRequest): Set<string> {
  const schema: unknown = request.routeOptions.schema?.querystring;
  if (typeof schema !== 'object' || schema === null || !('properties' in schema)) return new Set();
  const { properties } = schema;
  return new Set(
    typeof properties === 'object' && properties !== null ? Object.keys(properties) : [],
  );
}

/**
 * The query parameters the route's schema names, as validated, in the order they were sent.
 * Any others (cache-busters such as `_=`) are ignored: they never reach a cache key or a Link.
 */
export function knownQueryOf(request: FastifyRequest): URLSearchParams {
  const known = knownQueryKeys(request);
  const query = (request.query ?? {}) as Record<string, unknown>;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (!known.has(key)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      params.append(key, String(value));
    }
  }
  return params;
}
