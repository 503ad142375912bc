import type {
  FastifyReply,
  onRequestAsyncHookHandler,
  onSendAsyncHookHandler,
  onSendHookHandler,
  preHandlerAsyncHookHandler,
} from 'fastify';
import type { CatalogRead } from '../../config.js';
import type { CatalogResource, MovieChange, MovieScope } from '../../shared/catalog-resources.js';
import type { CatalogCache } from './cache.js';
import { catalogCacheKeyOf } from './key.js';
import { catalogFreshness, entityTagOf, ifNoneMatchNames } from '../conditional-get.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The catalog response cache, or null when RESPONSE_CACHE_MB=0. */
    catalogCache: CatalogCache | null;
  }
  interface FastifyRequest {
    /** Where this read's answer may be kept, and the cache generation when it began; null: not kept. */
    catalogCacheTicket: { readonly key: string; readonly generation: number } | null;
    /** Set by a movie read: the movies its answer shows and the fields that decide it. */
    catalogMovieScope: MovieScope | null;
    /** Set by a movie write that changed one row: the version it committed and what it changed. */
    catalogMovieWrite: { readonly version: number; readonly change: MovieChange } | null;
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

export interface CatalogReadHooks {
  /** preHandler: answers from the cache when it can. */
  readonly serveCached: preHandlerAsyncHookHandler;
  /** onSend: tags a 200 answer, keeps it for the next identical request, answers 304 when asked. */
  readonly keepAnswer: onSendHookHandler;
}

/** The hooks of a cached catalog read: the route's guard first, then the cache. */
export const cachedReadHooks = (guard: onRequestAsyncHookHandler, reads: CatalogReadHooks) => ({
  onRequest: guard,
  preHandler: reads.serveCached,
  onSend: reads.keepAnswer,
});

export interface CatalogCacheHooks {
  /** The hooks of reads whose answers are built from these tables. */
  readonly reads: (dependsOn: readonly CatalogResource[]) => CatalogReadHooks;
  /** onSend of catalog writes: drops what they changed before the writer hears back. */
  readonly afterWrite: onSendAsyncHookHandler;
}

// A copy with its own memory: a small Buffer.from() slice would pin a shared 8 KiB pool slab.
// A Buffer that is its whole allocation already has memory of its own, and is kept as is.
function ownedCopy(payload: string | Buffer): Buffer {
  if (Buffer.isBuffer(payload) && payload.byteLength === payload.buffer.byteLength) return payload;
  const body = Buffer.allocUnsafeSlow(Buffer.byteLength(payload));
  if (typeof payload === 'string') body.write(payload);
  else payload.copy(body);
  return body;
}

const headerText = (value: ReturnType<FastifyReply['getHeader']>) =>
  typeof value === 'string' ? value : undefined;

/**
 * The hooks of the catalog routes. Every 200 answer gets its ETag and Cache-Control; with no cache
 * (RESPONSE_CACHE_MB=0) the tag is worked out for each answer, with the cache once per kept answer.
 */
export function catalogCacheHooks(
  cache: CatalogCache | null,
  catalogRead: CatalogRead,
): CatalogCacheHooks {
  const setFreshness = catalogFreshness(catalogRead);

  const reads = (dependsOn: readonly CatalogResource[]): CatalogReadHooks => ({
    serveCached: async (request, reply) => {
      if (cache === null) return;
      const key = catalogCacheKeyOf(request);
      const hit = cache.get(key);
      if (!hit) {
        request.catalogCacheTicket = { key, generation: cache.generationOf(dependsOn) };
        return;
      }
      if (hit.link !== undefined) reply.header('link', hit.link);
      if (hit.totalCount !== undefined) {
        reply.header('x-total-count', hit.totalCount);
        reply.header('preference-applied', 'count=exact');
      }
      reply.header('etag', hit.etag);
      return reply.header('content-type', JSON_TYPE).send(hit.body);
    },
    keepAnswer: (request, reply, payload, done) => {
      if (reply.statusCode !== 200) return done(null, payload);
      let etag = headerText(reply.getHeader('etag'));
      // No tag yet: a fresh answer (JSON text, or JSON bytes the database wrote), not one from the cache.
      if (etag === undefined && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
        const link = headerText(reply.getHeader('link'));
        const totalCount = headerText(reply.getHeader('x-total-count'));
        etag = entityTagOf(payload, link, totalCount);
        reply.header('etag', etag);
        const ticket = request.catalogCacheTicket;
        if (cache !== null && ticket !== null) {
          const counted = totalCount === undefined ? {} : { totalCount };
          const response = { body: ownedCopy(payload), link, etag, ...counted };
          const scope = request.catalogMovieScope ?? undefined;
          cache.store(ticket.key, ticket.generation, response, dependsOn, scope);
        }
      }
      setFreshness(reply);
      if (etag === undefined || !ifNoneMatchNames(request.headers['if-none-match'], etag)) {
        return done(null, payload);
      }
      reply.code(304).removeHeader('content-type');
      // HEAD keeps the body for Fastify's own hook, which only measures it for Content-Length.
      done(null, request.method === 'HEAD' ? payload : null);
    },
  });

  if (cache === null) {
    return { reads, afterWrite: async (_request, _reply, payload) => payload };
  }
  return {
    reads,
    // The write's trigger bumped its table's version: reading the versions drops the answers of
    // that table, once (the poll and the notification that follow find nothing new). A movie write
    // that says what it changed drops only the answers that change may touch.
    afterWrite: async (request, reply, payload) => {
      const written = request.catalogMovieWrite;
      if (reply.statusCode < 300 && written !== null) {
        cache.movieWritten(written.version, written.change);
      }
      if (reply.statusCode < 300) await cache.refresh();
      // A failed write may have committed; with the database in trouble, don't wait on it again.
      else if (reply.statusCode >= 500) cache.invalidate();
      return payload;
    },
  };
}
