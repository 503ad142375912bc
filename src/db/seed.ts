import { sql, type Kysely, type Transaction } from 'kysely';
import type { Dialect } from './database.js';
import { insertCatalog, type Catalog } from './bulk-load.js';
import type { Database } from './schema.js';
import demoCatalog from './seed/movies-seed.json' with { type: 'json' };

export type { Catalog } from './bulk-load.js';

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
    await insertCatalog(trx, catalog);
    await resetIdentitySequences(trx, dialect);
  });
}
