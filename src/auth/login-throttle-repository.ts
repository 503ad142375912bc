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
