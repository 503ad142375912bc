import { sql, type Kysely } from 'kysely';
import type { Config } from '../config.js';
import { openDatabase, type DatabaseHandle, type DatabaseOptions } from './database.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';
import { DEMO_CATALOG, loadCatalog } from './seed.js';

export interface PreparedDatabase extends DatabaseHandle {
  readonly created: boolean;
  readonly seeded: boolean;
}

const LOCK_NAME = '.movie-catalog-schema';

// Instances starting together on one PostgreSQL take turns: one migrates and seeds, the rest wait.
async function withSchemaLock<T>(
  handle: DatabaseHandle,
  work: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (handle.dialect !== 'postgres') return work(handle.db);
  return handle.db.connection().execute(async (connection) => {
    const key = sql`hashtext(current_schema() || ${LOCK_NAME})`;
    await sql`select pg_advisory_lock(${key})`.execute(connection);
    try {
      return await work(connection);
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(connection);
    }
  });
}

// Whatever starts first (server or CLI) creates, migrates and, on creation, seeds the database.
export async function openPreparedDatabase(
  config: Config,
  options: Pick<DatabaseOptions, 'onPoolError'> = {},
): Promise<PreparedDatabase> {
  const handle = openDatabase(config.databaseUrl, {
    ...options,
    poolSize: config.databasePoolSize,
    preparedStatements: config.databasePreparedStatements,
  });
  // On PostgreSQL, migrations and the seed run on a connection of their own without the
  // service's statement timeouts: a migration may rebuild an index over a million movies.
  const maintenance =
    handle.dialect === 'postgres'
      ? openDatabase(config.databaseUrl, {
          ...options,
          poolSize: 1,
          preparedStatements: false,
          timeouts: false,
        })
      : handle;
  try {
    return await withSchemaLock(maintenance, async (db) => {
      const { fresh } = await migrateToLatest(db, handle.dialect);
      const seeded = fresh && config.seedDemo;
      if (seeded) await loadCatalog(db, handle.dialect, DEMO_CATALOG);
      return { ...handle, created: fresh, seeded };
    });
  } catch (error) {
    await handle.db.destroy();
    throw error;
  } finally {
    if (maintenance !== handle) await maintenance.db.destroy();
  }
}
