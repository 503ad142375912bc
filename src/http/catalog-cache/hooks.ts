import type {
  FastifyInstance,
  FastifyReply,
  onSendAsyncHookHandler,
  onSendHookHandler,
  preHandlerAsyncHookHandler,
  RouteOptions,
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
    /** The catalog's routes as catalogScope saw them declared. */
    catalogRoutes: readonly CatalogRoute[];
  }
  interface FastifyContextConfig {
    /** A catalog read: the tables its answer is built from (a write to another leaves it). */
    catalogReads?: readonly CatalogResource[];
  }
  interface FastifyRequest {
    /** A read the cache could not answer: where its answer goes, and the generation it began in. */
    catalogCacheMiss: { readonly key: string; readonly generation: number } | null;
    /** Set by a movie read: the movies its answer shows and the columns that decide it. */
    catalogMovieScope: MovieScope | null;
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** A route of the catalog scope, as it was declared. */
export interface CatalogRoute {
  readonly method: string;
  readonly url: string;
  /** A read's tables; undefined for a write. */
  readonly reads: readonly CatalogResource[] | undefined;
}

/** What the catalog's routes tell the cache besides what the scope's hooks see. */
export interface CatalogWrites {
  /** This instance changed one movie (null: nothing changed); the answers it may touch go now. */
  movieWritten(change: MovieChange | null): void;
}

// A copy with its own memory: a small Buffer.from() slice would pin a shared 8 KiB pool slab.
function ownedCopy(payload: string | Buffer): Buffer {
  if (Buffer.isBuffer(payload) && payload.byteLength === payload.buffer.byteLength) return payload;
  const body = Buffer.allocUnsafeSlow(Buffer.byteLength(payload));
  if (typeof payload === 'string') body.write(payload);
  else payload.copy(body);
  return body;
}

const headerText = (value: ReturnType<FastifyReply['getHeader']>) =>
  typeof value === 'string' ? value : undefined;

function serveCached(cache: CatalogCache | null, reads: readonly CatalogResource[]) {
  const handler: preHandlerAsyncHookHandler = async (request, reply) => {
    if (cache === null) return;
    const key = catalogCacheKeyOf(request);
    const hit = cache.get(key);
    if (!hit) {
      request.catalogCacheMiss = { key, generation: cache.generationOf(reads) };
      return;
    }
    if (hit.link !== undefined) reply.header('link', hit.link);
    if (hit.totalCount !== undefined) {
      reply.header('x-total-count', hit.totalCount);
      reply.header('preference-applied', 'count=exact');
    }
    reply.header('etag', hit.etag);
    return reply.header('content-type', JSON_TYPE).send(hit.body);
  };
  return handler;
}

// Every 200 answer gets its ETag and Cache-Control; with no cache the tag is worked out for each
// answer, with the cache once per kept answer.
function tagAndStore(
  cache: CatalogCache | null,
  reads: readonly CatalogResource[],
  setFreshness: (reply: FastifyReply) => void,
) {
  const handler: onSendHookHandler = (request, reply, payload, done) => {
    if (reply.statusCode !== 200) return done(null, payload);
    let etag = headerText(reply.getHeader('etag'));
    // An answer from the cache has its tag already.
    if (etag === undefined && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
      const link = headerText(reply.getHeader('link'));
      const totalCount = headerText(reply.getHeader('x-total-count'));
      etag = entityTagOf(payload, link, totalCount);
      reply.header('etag', etag);
      const miss = request.catalogCacheMiss;
      if (cache !== null && miss !== null) {
        const counted = totalCount === undefined ? {} : { totalCount };
        const response = { body: ownedCopy(payload), link, etag, ...counted };
        const scope = request.catalogMovieScope ?? undefined;
        cache.store(miss.key, miss.generation, response, reads, scope);
      }
    }
    setFreshness(reply);
    if (etag === undefined || !ifNoneMatchNames(request.headers['if-none-match'], etag)) {
      return done(null, payload);
    }
    reply.code(304).removeHeader('content-type');
    // HEAD keeps the body for Fastify's own hook, which only measures it for Content-Length.
    done(null, request.method === 'HEAD' ? payload : null);
  };
  return handler;
}

// This instance's write bumped its table's version: reading the versions drops the answers of that
// table before the writer hears back (the poll and the notification that follow find nothing new).
function dropWritten(cache: CatalogCache | null) {
  const handler: onSendAsyncHookHandler = async (_request, reply, payload) => {
    if (cache === null) return payload;
    if (reply.statusCode < 300) await cache.refresh();
    // A failed write may have committed; with the database in trouble, don't wait on it again.
    else if (reply.statusCode >= 500) cache.invalidate();
    return payload;
  };
  return handler;
}

const listOf = <T>(hooks: T | T[] | undefined): T[] =>
  hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];

// First: a HEAD route's own list ends with Fastify's hook that drops the body, which ours reads.
const withFirst = <T>(hooks: T | T[] | undefined, hook: T): T[] => [hook, ...listOf(hooks)];

/**
 * Makes this scope the catalog's: each GET route registered in it declares the tables its answer
 * is read from (`config.catalogReads`; startup fails without) and is answered from the cache when
 * it can; every other route drops what it wrote before the writer hears back. The routes are
 * listed in `routes` as they are declared.
 */
export function catalogScope(
  scope: FastifyInstance,
  cache: CatalogCache | null,
  catalogRead: CatalogRead,
): { readonly writes: CatalogWrites; readonly routes: readonly CatalogRoute[] } {
  const setFreshness = catalogFreshness(catalogRead);
  const routes: CatalogRoute[] = [];
  scope.addHook('onRoute', (route: RouteOptions) => {
    const method = [route.method].flat().join(',');
    if (method !== 'GET' && method !== 'HEAD') {
      route.onSend = withFirst(route.onSend, dropWritten(cache));
      routes.push({ method, url: route.url, reads: undefined });
      return;
    }
    const reads = route.config?.catalogReads;
    if (reads === undefined) {
      throw new Error(`${method} ${route.url}: a catalog read must declare config.catalogReads`);
    }
    route.preHandler = [...listOf(route.preHandler), serveCached(cache, reads)];
    route.onSend = withFirst(route.onSend, tagAndStore(cache, reads, setFreshness));
    if (method === 'GET') routes.push({ method, url: route.url, reads });
  });
  const writes: CatalogWrites = {
    movieWritten: (change) => {
      if (cache !== null && change !== null) cache.movieWritten(change);
    },
  };
  return { writes, routes };
}
