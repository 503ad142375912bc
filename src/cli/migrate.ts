import { loadConfigOrExit } from '../config.js';
import { withPreparedDatabase } from './prepared-database.js';

/** Opening the database migrates it; this only says what that did. */
export function migrateCommand(): Promise<string> {
  return withPreparedDatabase(loadConfigOrExit(), async (database) =>
    database.created ? 'database created and migrated' : 'database is up to date',
  );
}
