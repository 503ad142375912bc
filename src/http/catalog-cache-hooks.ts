import type {
  onSendAsyncHookHandler,
  onSendHookHandler,
  preHandlerAsyncHookHandler,
} from 'fastify';
import type { CatalogResource } from '../shared/catalog-resources.js';
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

export interface CatalogReadHooks {
  /** preHandler: answers from the cache when it can. */
  readonly serveCached: preHandlerAsyncHookHandler;
  /** onSend: keeps a 200 answer for the next identical request. */
  readonly keepAnswer: onSendHookHandler;
}

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

const passThrough: onSendHookHandler = (_request, _reply, payload, done) => done(null, payload);

/** The hooks of the catalog routes; with no cache (RESPONSE_CACHE_MB=0) they do nothing. */
export function catalogCacheHooks(cache: CatalogCache | null): CatalogCacheHooks {
  if (cache === null) {
    const reads = { serveCached: async () => {}, keepAnswer: passThrough };
    return { reads: () => reads, afterWrite: async (_request, _reply, payload) => payload };
  }
  return {
    reads: (dependsOn) => ({
      serveCached: async (request, reply) => {
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
        return reply.header('content-type', JSON_TYPE).send(hit.body);
      },
      keepAnswer: (request, reply, payload, done) => {
        const ticket = request.catalogCacheTicket;
        const kept = typeof payload === 'string' || Buffer.isBuffer(payload);
        if (ticket !== null && reply.statusCode === 200 && kept) {
          const link = reply.getHeader('link');
          const totalCount = reply.getHeader('x-total-count');
          const response = {
            body: ownedCopy(payload),
            link: typeof link === 'string' ? link : undefined,
            ...(typeof totalCount === 'string' && { totalCount }),
          };
          cache.store(ticket.key, ticket.generation, response, dependsOn);
        }
        done(null, payload);
      },
    }),
    // The write's trigger bumped its table's version: reading the versions drops exactly what it
    // changed, once (the poll and the notification that follow find nothing new).
    afterWrite: async (_request, reply, payload) => {
      if (reply.statusCode < 300) await cache.refresh();
      // A failed write may have committed; with the database in trouble, don't wait on it again.
      else if (reply.statusCode >= 500) cache.invalidate();
      return payload;
    },
  };
}
