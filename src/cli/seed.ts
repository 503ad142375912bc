import { loadConfigOrExit } from '../config.js';
import { catalogIsEmpty, DEMO_CATALOG, loadCatalog } from '../db/seed.js';
import { withPreparedDatabase } from './prepared-database.js';
import { UsageError } from './usage.js';

export function seedCommand(): Promise<string> {
  return withPreparedDatabase(loadConfigOrExit(), async (database) => {
    if (!(await catalogIsEmpty(database.db)))
      throw new UsageError('the catalog is not empty; nothing loaded');
    await loadCatalog(database.db, database.dialect, DEMO_CATALOG);
    return `loaded ${DEMO_CATALOG.genres.length} genres, ${DEMO_CATALOG.directors.length} directors, ${DEMO_CATALOG.movies.length} movies`;
  });
}
