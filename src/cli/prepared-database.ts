import type { Config } from '../config.js';
import { openPreparedDatabase, type PreparedDatabase } from '../db/prepare.js';

/** Opens (creating, migrating and maybe seeding) the configured database for one command. */
export async function withPreparedDatabase<T>(
  config: Config,
  use: (database: PreparedDatabase) => Promise<T>,
): Promise<T> {
  const database = await openPreparedDatabase(config);
  try {
    return await use(database);
  } finally {
    await database.db.destroy();
  }
}
