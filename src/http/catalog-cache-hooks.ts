import type { onSendHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import type { CatalogCache } from './catalog-cache.js';
import { catalogCacheKeyOf } from './catalog-cache-key.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The catalog response cache, or null when RESPONSE_CACHE_MB=0. */
    catalogCache: CatalogCache | null;
  }
  interface FastifyRequest {
    /** Where this read's answer may be kept, and the cache generation when it began; null: not kept. */
    catalogCacheTicket: { readonly key: string; readonly generation: number } | null;
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

export interface CatalogCacheHooks {
  /** preHandler of catalog reads: answers from the cache when it can. */
  readonly serveCached: preHandlerAsyncHookHandler;
  /** onSend of catalog reads: keeps a 200 answer for the next identical request. */
  readonly keepAnswer: onSendHookHandler;
  /** onSend of catalog writes: clears the cache before the writer hears back. */
  readonly invalidate: onSendHookHandler;
}

// A copy with its own memory: a small Buffer.from() slice would pin a shared 8 KiB pool slab.
function ownedCopy(payload: string): Buffer {
  const body = Buffer.allocUnsafeSlow(Buffer.byteLength(payload));
  body.write(payload);
  return body;
}

const passThrough: onSendHookHandler = (_request, _reply, payload, done) => done(null, payload);

/** The hooks of the catalog routes; with no cache (RESPONSE_CACHE_MB=0) they do nothing. */
export function catalogCacheHooks(cache: CatalogCache | null): CatalogCacheHooks {
  if (cache === null) {
    return { serveCached: async () => {}, keepAnswer: passThrough, invalidate: passThrough };
  }
  return {
    serveCached: async (request, reply) => {
      const key = catalogCacheKeyOf(request);
      const hit = cache.get(key);
      if (!hit) {
        request.catalogCacheTicket = { key, generation: cache.generation };
        return;
      }
      if (hit.link !== undefined) reply.header('link', hit.link);
      if (hit.totalCount !== undefined) {
        reply.header('x-total-count', hit.totalCount);
        reply.header('preference-applied', 'count=exact');
      }
      return reply.header('content-type', JSON_TYPE).send(hit.body);
    },
    keepAnswer: (request, reply, payload, done) => {
      const ticket = request.catalogCacheTicket;
      if (ticket !== null && reply.statusCode === 200 && typeof payload === 'string') {
        const link = reply.getHeader('link');
        const totalCount = reply.getHeader('x-total-count');
        cache.store(ticket.key, ticket.generation, {
          body: ownedCopy(payload),
          link: typeof link === 'string' ? link : undefined,
          ...(typeof totalCount === 'string' && { totalCount }),
        });
      }
      done(null, payload);
    },
    invalidate: (_request, _reply, payload, done) => {
      cache.invalidate();
      done(null, payload);
    },
  };
}
