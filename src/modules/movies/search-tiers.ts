import { expressionBuilder, sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { filterValuesOf, movieFilterCondition } from './list-query.js';
import type { MovieFilters } from './list-request.js';
import type { SearchTier } from './search-plan.js';

type Db = Kysely<Database>;

/**
 * Reads tiers of a search: the first `count` ids, in id order, of the movies matching a tier's
 * condition (`rest` is the tier and those after it in its group, which one read may serve).
 */
export interface TierReader {
  ids(tier: SearchTier, rest: readonly SearchTier[], count: number): Promise<number[]>;
}

/** Movies a PostgreSQL search reads in id order before it asks the GIN index, per page size. */
const WALK_ROWS = 5_000;
const WALK_ROWS_PER_MOVIE = 20;
const WALK_MAX_ROWS = 50_000;

/** The list's filters but the search, as a condition on movies, and whether there are any. */
function otherFilters(
  dialect: Dialect,
  filters: MovieFilters,
): { where: Expression<SqlBool>; any: boolean } {
  const values = filterValuesOf(dialect, { ...filters, searchMatch: undefined });
  return {
    where: movieFilterCondition(expressionBuilder<Database, 'movies'>(), values, null, 0),
    any: Object.values(values).some((value) => value !== undefined),
  };
}

const idsOf = async (db: Db, query: { execute(db: Db): Promise<{ rows: { id: number }[] }> }) =>
  (await query.execute(db)).rows.map((row) => Number(row.id));

/** SQLite: FTS5 hands the ids over in order and the query stops at its limit. */
function sqliteReader(db: Db, filters: MovieFilters): TierReader {
  const { where } = otherFilters('sqlite', filters);
  return {
    ids: (tier, _rest, count) =>
      idsOf(
        db,
        sql<{ id: number }>`select movies.id as id from movie_search
          join movies on movies.id = movie_search.rowid
          where movie_search match +${tier.condition} and ${where}
          order by movie_search.rowid limit ${count} + 0`,
      ),
  };
}

/**
 * PostgreSQL: GIN gives every match at once, in no order. Reading the index is cheap for a tier
 * of few movies and costly for many (83,333 matches at 1M: 76 ms); reading movies in id order
 * until the page fills is the other way round (12 of those: 0.2 ms; no match: the whole table).
 * The planner picks from its estimate, which for two words or a prefix can be wrong by a factor
 * of thousands (seconds a search). Here both are bounded instead:
 * - the first tier reads the first movies in id order until its page fills (5,000 at most: 1 ms);
 * - the other tiers of a group (before typos, typos) are read in one walk of those movies, each
 *   movie marked with the first tier it matches;
 * - a tier that did not fill its page in the walk asks the GIN index, with the other plans off.
 *   A tier that sparse holds few movies (under 12 in 5,000), so the index read is small.
 */
function postgresReader(db: Db, filters: MovieFilters, window: number): TierReader {
  const { where, any } = otherFilters('postgres', filters);
  const walk = Math.min(WALK_MAX_ROWS, Math.max(WALK_ROWS, WALK_ROWS_PER_MOVIE * window));
  const walked = sql`(select movie_id, document from movie_search order by movie_id limit ${walk}) s`;
  // The movies rows only for other filters: under the index's plan, the join would be planned
  // from the index's estimate too (a prefix's: a hash join reading every movie, 140 ms).
  const movies = any ? sql`join movies on movies.id = s.movie_id` : sql``;
  const matching = (from: typeof walked, condition: string, count: number) =>
    sql<{ id: number }>`select s.movie_id as id from ${from} ${movies}
      where s.document @@ ${condition}::tsquery and ${where}
      order by s.movie_id limit ${count}`;
  // From the index: the first ids of the tier, those the walk found among them.
  const fromIndex = (condition: string, count: number) =>
    db.transaction().execute(async (trx) => {
      // With the other plans off the planner's cost passes its JIT threshold (100 ms of
      // compiling for a 0.1 ms query): JIT off too.
      await sql`select set_config('enable_seqscan', 'off', true),
        set_config('enable_indexscan', 'off', true),
        set_config('max_parallel_workers_per_gather', '0', true),
        set_config('jit', 'off', true)`.execute(trx);
      return idsOf(trx, matching(sql`movie_search s`, condition, count));
    });
  // The walk of a group: each movie with the rank of the first of its tiers it matches (or of an
  // earlier tier: then the group's first), in id order; per rank at most the most a tier asks
  // (the window, and the earlier tiers' movies it leaves out).
  let group: { last: number; rows: { id: number; rank: number }[] } | undefined;
  const walkGroup = async (tiers: readonly SearchTier[]) => {
    const last = tiers[tiers.length - 1];
    if (last === undefined) return [];
    if (group?.last !== last.rank) {
      const rank = sql.join(
        tiers.map(
          (tier) => sql`when s.document @@ ${tier.condition}::tsquery then ${tier.rank}::int`,
        ),
        sql` `,
      );
      const { rows } = await sql<{ id: number; rank: number }>`select id, rank from (
          select id, rank, row_number() over (partition by rank order by id) as nth from (
            select s.movie_id as id, case ${rank} end as rank from ${walked} ${movies}
            where s.document @@ ${last.condition}::tsquery and ${where}) as marked) as ranked
        where nth <= ${2 * window} order by id`.execute(db);
      group = {
        last: last.rank,
        rows: rows.map((row) => ({ id: Number(row.id), rank: Number(row.rank) })),
      };
    }
    return group.rows;
  };
  let first = true;
  return {
    async ids(tier, rest, count) {
      let found: number[];
      if (first) {
        first = false;
        found = await idsOf(db, matching(walked, tier.condition, count));
      } else {
        const rows = await walkGroup(rest);
        found = rows.filter((row) => row.rank <= tier.rank).map((row) => row.id);
      }
      return found.length >= count ? found.slice(0, count) : fromIndex(tier.condition, count);
    },
  };
}

/** A reader of the tiers of one search window (its offset + limit) under these filters. */
export const tierReader = (
  db: Db,
  dialect: Dialect,
  filters: MovieFilters,
  window: number,
): TierReader =>
  dialect === 'sqlite' ? sqliteReader(db, filters) : postgresReader(db, filters, window);
