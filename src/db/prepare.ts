import type { Config } from '../config.js';
import { openDatabase, type DatabaseHandle } from './database.js';
import { migrateToLatest } from './migrate.js';
import { DEMO_CATALOG, loadCatalog } from './seed.js';

export interface PreparedDatabase extends DatabaseHandle {
  readonly created: boolean;
  readonly seeded: boolean;
}

// Whatever starts first (server or CLI) creates, migrates and, on creation, seeds the database.
export async function openPreparedDatabase(config: Config): Promise<PreparedDatabase> {
  const handle = openDatabase(config.databaseUrl);
  try {
    const { fresh } = await migrateToLatest(handle.db);
    const seeded = fresh && config.seedDemo;
    if (seeded) await loadCatalog(handle.db, handle.dialect, DEMO_CATALOG);
    return { ...handle, created: fresh, seeded };
  } catch (error) {
    await handle.db.destroy();
    throw error;
  }
}
