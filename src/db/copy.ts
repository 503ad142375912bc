import { sql, type Kysely } from 'kysely';
import type { Dialect } from './database.js';
import { MIGRATION_NAMES } from './migrate.js';
import type { Database } from './schema.js';
import { catalogIsEmpty, resetIdentitySequences } from './seed.js';

const BATCH = 500;
const COPIED_TABLES = ['genres', 'directors', 'movies', 'users'] as const;
type CopiedTable = (typeof COPIED_TABLES)[number];

export type CopyCounts = Record<CopiedTable, number>;

export class CopyRefused extends Error {}

async function assertSourceUpToDate(source: Kysely<Database>): Promise<void> {
  const applied = await sql<{ name: string }>`select name from kysely_migration`
    .execute(source)
    .catch(() => {
      throw new CopyRefused('the source is not a database of this service (no migrations table)');
    });
  const names = new Set(applied.rows.map((row) => row.name));
  const missing = MIGRATION_NAMES.filter((name) => !names.has(name));
  if (missing.length > 0) {
    throw new CopyRefused(
      `the source is not up to date: run "npm run cli -- migrate" against it first`,
    );
  }
}

async function targetIsEmpty(target: Kysely<Database>): Promise<boolean> {
  const user = await target.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return user === undefined && (await catalogIsEmpty(target));
}

/** Copies catalog and users, ids and password hashes included, in one transaction on the target. */
export async function copyDatabase(
  source: Kysely<Database>,
  target: Kysely<Database>,
  targetDialect: Dialect,
): Promise<CopyCounts> {
  await assertSourceUpToDate(source);
  if (!(await targetIsEmpty(target))) {
    throw new CopyRefused('the target already holds users or catalog rows; it must be empty');
  }
  const counts: CopyCounts = { genres: 0, directors: 0, movies: 0, users: 0 };
  await target.transaction().execute(async (trx) => {
    for (const table of COPIED_TABLES) {
      let lastId = 0;
      for (;;) {
        const rows = await source
          .selectFrom(table)
          .selectAll()
          .where('id', '>', lastId)
          .orderBy('id')
          .limit(BATCH)
          .execute();
        if (rows.length === 0) break;
        await trx
          .insertInto(table)
          .values(rows as never)
          .execute();
        counts[table] += rows.length;
        lastId = Number(rows[rows.length - 1]?.id);
      }
    }
    await resetIdentitySequences(trx, targetDialect);
  });
  return counts;
}
