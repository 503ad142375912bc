import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

type Db = Kysely<Database>;

export async function latestBlockEnd(db: Db, keys: string[], now: number): Promise<number | null> {
  const row = await db
    .selectFrom('login_blocks')
    .select((eb) => eb.fn.max('blocked_until').as('until'))
    .where('key', 'in', keys)
    .where('blocked_until', '>', now)
    .executeTakeFirst();
  return row?.until == null ? null : Number(row.until);
}

/** Records a failure and returns how many failures the key has since `windowStart`. */
export async function addFailure(
  db: Db,
  key: string,
  now: number,
  windowStart: number,
): Promise<number> {
  await db
    .deleteFrom('login_failures')
    .where('key', '=', key)
    .where('failed_at', '<=', windowStart)
    .execute();
  await db.insertInto('login_failures').values({ key, failed_at: now }).execute();
  const row = await db
    .selectFrom('login_failures')
    .select((eb) => eb.fn.countAll().as('failures'))
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

export async function block(db: Db, key: string, until: number): Promise<void> {
  await db
    .insertInto('login_blocks')
    .values({ key, blocked_until: until })
    .onConflict((oc) => oc.column('key').doUpdateSet({ blocked_until: until }))
    .execute();
  await clearFailures(db, key);
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.deleteFrom('login_failures').where('key', '=', key).execute();
}

/** Deletes up to `limit` failures at or before `windowStart`: they no longer count. */
export async function deleteFailuresBefore(
  db: Db,
  windowStart: number,
  limit: number,
): Promise<number> {
  const result = await db
    .deleteFrom('login_failures')
    .where((eb) =>
      eb(
        eb.refTuple('key', 'failed_at'),
        'in',
        eb
          .selectFrom('login_failures')
          .select(['key', 'failed_at'])
          .where('failed_at', '<=', windowStart)
          .limit(limit)
          .$asTuple('key', 'failed_at'),
      ),
    )
    .where('failed_at', '<=', windowStart)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes up to `limit` blocks that ended at or before `now`. */
export async function deleteEndedBlocks(db: Db, now: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('login_blocks')
    .where((eb) =>
      eb(
        'key',
        'in',
        eb.selectFrom('login_blocks').select('key').where('blocked_until', '<=', now).limit(limit),
      ),
    )
    .where('blocked_until', '<=', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
