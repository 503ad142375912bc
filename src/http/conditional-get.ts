import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { CatalogRead } from '../config.js';

/**
 * The strong entity tag of a catalog answer: a hash of its body and of the headers that change
 * with it, so every instance gives the same answer the same tag and any change a new one.
 */
export function entityTagOf(
  body: string | Buffer,
  link: string | undefined,
  totalCount: string | undefined,
): string {
  const hash = createHash('sha256')
    .update(body)
    .update('\0')
    .update(link ?? '');
  const digest = hash
    .update('\0')
    .update(totalCount ?? '')
    .digest('base64url');
  return `"${digest.slice(0, 22)}"`;
}

/** Whether If-None-Match is `*` or lists this tag, compared weakly (RFC 9110, 13.1.2). */
export function ifNoneMatchNames(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  if (!header.includes(etag)) return false;
  for (const listed of header.split(',')) {
    const tag = listed.trim();
    if (tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true;
  }
  return false;
}

/**
 * Catalog answers may be kept but are checked with the server before each use. When reading needs
 * a token they are the reader's own: no shared cache keeps them, and a browser cache keys them by
 * the token.
 */
export function catalogFreshness(catalogRead: CatalogRead): (reply: FastifyReply) => void {
  if (catalogRead === 'public') return (reply) => void reply.header('cache-control', 'no-cache');
  return (reply) => {
    reply.header('cache-control', 'no-cache, private');
    const vary = reply.getHeader('vary');
    reply.header('vary', vary === undefined ? 'Authorization' : `${String(vary)}, Authorization`);
  };
}
