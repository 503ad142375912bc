import { sql, type Kysely, type Transaction } from 'kysely';
import type { Dialect } from './database.js';
import type { Database, MovieRow } from './schema.js';
import demoCatalog from './seed/movies-seed.json' with { type: 'json' };

export interface Catalog {
  genres: { id: number; name: string }[];
  directors: { id: number; name: string }[];
  movies: Omit<MovieRow, 'title_key'>[];
}

export const DEMO_CATALOG: Catalog = demoCatalog;

export async function catalogIsEmpty(db: Kysely<Database>): Promise<boolean> {
  for (const table of ['genres', 'directors', 'movies'] as const) {
    const row = await db.selectFrom(table).select('id').limit(1).executeTakeFirst();
    if (row) return false;
  }
  return true;
}

// Explicit ids bypass PostgreSQL's identity sequences, so they are moved past the highest id.
/**
 * Points each id sequence past the highest id in use, or past `usedIds[table]` when higher: ids
 * handed out before (to rows since deleted) are never handed out again, or a deleted user's
 * still-valid access token would belong to the next new user.
 */
export async function resetIdentitySequences(
  trx: Transaction<Database>,
  dialect: Dialect,
  usedIds: Readonly<Record<string, number>> = {},
): Promise<void> {
  if (dialect !== 'postgres') return;
  for (const table of ['genres', 'directors', 'movies', 'users']) {
    const floor = usedIds[table] ?? 0;
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), greatest(coalesce((select max(id) from ${sql.table(table)}), 0), ${floor}::bigint) + 1, false)`.execute(
      trx,
    );
  }
}

export async function loadCatalog(
  db: Kysely<Database>,
  dialect: Dialect,
  catalog: Catalog,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (catalog.genres.length > 0) {
      await trx
        .insertInto('genres')
        .values(
          catalog.genres.map((g) => ({ id: g.id, name: g.name, name_key: g.name.toLowerCase() })),
        )
        .execute();
    }
    if (catalog.directors.length > 0) {
      await trx.insertInto('directors').values(catalog.directors).execute();
    }
    if (catalog.movies.length > 0) {
      await trx
        .insertInto('movies')
        .values(catalog.movies.map((m) => ({ ...m, title_key: m.title.toLowerCase() })))
        .execute();
    }
    await resetIdentitySequences(trx, dialect);
  });
}
