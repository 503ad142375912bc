import type { FastifyRequest } from 'fastify';

/** `Prefer: count=exact` (RFC 7240, PostgREST's spelling): the client wants the total counted. */
export function wantsExactCount(request: FastifyRequest): boolean {
  const header = request.headers.prefer;
  if (header === undefined) return false;
  const preferences = (Array.isArray(header) ? header.join(',') : header).split(',');
  return preferences.some((preference) => {
    const [token] = preference.split(';');
    const [name, value] = (token ?? '').split('=').map((part) => part.trim().toLowerCase());
    return name === 'count' && value?.replace(/^"(.*)"$/, '$1') === 'exact';
  });
}
