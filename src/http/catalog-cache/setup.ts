import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { CatalogListener } from '../../db/catalog-listener.js';
import { readCatalogVersions } from '../../db/catalog-version.js';
import { dialectOf } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { CatalogCache } from './cache.js';

/**
 * The catalog response cache (null when RESPONSE_CACHE_MB=0), kept in step with other instances:
 * on PostgreSQL by LISTEN/NOTIFY, with the version poll as the fallback and safety net.
 */
export async function startCatalogCache(
  app: FastifyInstance,
  config: Config,
  db: Kysely<Database>,
): Promise<CatalogCache | null> {
  if (config.responseCacheMb === 0) return null;
  const cache = new CatalogCache({
    readVersions: () => readCatalogVersions(db),
    log: app.log,
    maxBytes: config.responseCacheMb * 1024 * 1024,
    pollMs: config.catalogPollMs,
    listeningPollMs: config.catalogPollWhileListeningMs,
  });
  await cache.start();
  app.addHook('onClose', async () => cache.stop());
  if (dialectOf(config.databaseUrl) !== 'postgres') return cache;

  const listener = new CatalogListener(config.databaseListenUrl, {
    onChange: (resource, version) => cache.versionCommitted(resource, version),
    onListening: () => {
      app.log.info('catalog changes: listening');
      cache.setListening(true);
    },
    onLost: (error, wasListening) => {
      const message = `catalog changes: not listening, reading versions every ${config.catalogPollMs} ms`;
      if (wasListening) app.log.warn({ err: error }, message);
      else app.log.debug({ err: error }, message);
      cache.setListening(false);
    },
  });
  listener.start();
  app.addHook('onClose', async () => listener.stop());
  return cache;
}
