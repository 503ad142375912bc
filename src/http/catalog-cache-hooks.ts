import type { onSendHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import type { CatalogCache } from './catalog-cache.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The cache generation when this read began, or -1 when its answer must not be kept. */
    catalogCacheGeneration: number;
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

export function catalogCacheHooks(cache: CatalogCache): CatalogCacheHooks {
  return {
    serveCached: async (request, reply) => {
      const hit = cache.get(request.url);
      if (!hit) {
        request.catalogCacheGeneration = cache.generation;
        return;
      }
      request.catalogCacheGeneration = -1;
      if (hit.link !== undefined) reply.header('link', hit.link);
      return reply.header('content-type', JSON_TYPE).send(hit.body);
    },
    keepAnswer: (request, reply, payload, done) => {
      if (
        request.catalogCacheGeneration >= 0 &&
        reply.statusCode === 200 &&
        typeof payload === 'string'
      ) {
        const link = reply.getHeader('link');
        cache.store(request.url, request.catalogCacheGeneration, {
          body: Buffer.from(payload),
          link: typeof link === 'string' ? link : undefined,
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
