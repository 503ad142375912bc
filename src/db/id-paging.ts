import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { IdPageWindow } from '../shared/keyset-cursor.js';
import type { Database } from './schema.js';

/** A list in id order: one window of it, by offset or behind a cursor's id. */
export function inIdPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  window: IdPageWindow,
): SelectQueryBuilder<DB, TB, O> {
  const id = sql.ref<number>('id');
  const ordered = query.orderBy(id).limit(window.limit);
  return window.afterId === undefined
    ? ordered.offset(window.offset)
    : ordered.where(id, '>', window.afterId);
}

/** Every row of a table, counted (PostgreSQL answers count(*) as a string). */
export async function countRows(
  db: Kysely<Database>,
  table: 'genres' | 'directors' | 'users',
): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
