import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

type Db = Kysely<Database>;
type Counters = ExpressionBuilder<Database, 'attempt_counters'>;

export interface CounterRule {
  readonly max: number;
  readonly windowMs: number;
}

// The window is over, or a block has ended: the count starts again from zero.
const startsAfresh = (eb: Counters, now: number, windowMs: number) =>
  eb.or([
    eb('attempt_counters.window_start', '<=', now - windowMs),
    eb.and([
      eb('attempt_counters.blocked_until', '>', 0),
      eb('attempt_counters.blocked_until', '<=', now),
    ]),
  ]);

/**
 * Takes one attempt for `key` in one statement that counts and answers, so simultaneous attempts
 * on any number of instances can never take more than `rule.max` between them. False when the
 * key is blocked or its window is full; then nothing is counted.
 */
export async function reserveAttempt(
  db: Db,
  key: string,
  rule: CounterRule,
  now: number,
): Promise<boolean> {
  const row = await db
    .insertInto('attempt_counters')
    .values({ key, window_start: now, hits: 1, blocked_until: 0 })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => {
          const afresh = startsAfresh(eb, now, rule.windowMs);
          return {
            hits: eb
              .case()
              .when(afresh)
              .then(1)
              .else(eb('attempt_counters.hits', '+', 1))
              .end(),
            window_start: eb
              .case()
              .when(afresh)
              .then(now)
              .else(eb.ref('attempt_counters.window_start'))
              .end(),
            blocked_until: eb
              .case()
              .when(afresh)
              .then(0)
              .else(eb.ref('attempt_counters.blocked_until'))
              .end(),
          };
        })
        .where((eb) =>
          eb.and([
            eb('attempt_counters.blocked_until', '<=', now),
            eb.or([
              startsAfresh(eb, now, rule.windowMs),
              eb('attempt_counters.hits', '<', rule.max),
            ]),
          ]),
        ),
    )
    .returning('hits')
    .executeTakeFirst();
  return row !== undefined;
}

export async function findCounter(
  db: Db,
  key: string,
): Promise<{ window_start: number; blocked_until: number } | undefined> {
  const row = await db
    .selectFrom('attempt_counters')
    .select(['window_start', 'blocked_until'])
    .where('key', '=', key)
    .executeTakeFirst();
  return (
    row && { window_start: Number(row.window_start), blocked_until: Number(row.blocked_until) }
  );
}

/** Blocks the key until `until` once its window is full (a no-op otherwise, or when blocked). */
export async function blockWhenFull(
  db: Db,
  key: string,
  max: number,
  until: number,
  now: number,
): Promise<void> {
  await db
    .updateTable('attempt_counters')
    .set({ blocked_until: until })
    .where('key', '=', key)
    .where('hits', '>=', max)
    .where('blocked_until', '<=', now)
    .execute();
}

/** Gives one reserved attempt back. */
export async function releaseAttempt(db: Db, key: string): Promise<void> {
  await db
    .updateTable('attempt_counters')
    .set((eb) => ({ hits: eb('hits', '-', 1) }))
    .where('key', '=', key)
    .where('hits', '>', 0)
    .execute();
}

export async function clearCounter(db: Db, key: string): Promise<void> {
  await db.deleteFrom('attempt_counters').where('key', '=', key).execute();
}

/**
 * Forgets at most `limit` counters whose window and block are both over (they would start
 * afresh anyway); idempotent, so instances may purge at the same time.
 */
export async function purgeIdleCounters(
  db: Db,
  now: number,
  longestWindowMs: number,
  limit: number,
): Promise<number> {
  const idle = (eb: Counters) =>
    eb.and([eb('window_start', '<=', now - longestWindowMs), eb('blocked_until', '<=', now)]);
  const result = await db
    .deleteFrom('attempt_counters')
    .where((eb) =>
      eb.and([
        eb('key', 'in', eb.selectFrom('attempt_counters').select('key').where(idle).limit(limit)),
        idle(eb),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
