import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Bumped by triggers on every write to movies, genres or directors. */
export async function readCatalogVersion(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('catalog_version')
    .select('version')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.version);
}
