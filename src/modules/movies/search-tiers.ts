import {
  expressionBuilder,
  sql,
  type Expression,
  type Kysely,
  type RawBuilder,
  type SqlBool,
} from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { executeNamed } from '../../db/statement-names.js';
import { filterValuesOf, movieFilterCondition } from './list-query.js';
import type { MovieFilters } from './list-request.js';
import type { SearchPlan, SearchTier } from './search-plan.js';

type Db = Kysely<Database>;

/**
 * Reads tiers of a search: the first `count` ids, in id order, of the movies matching a tier's
 * condition (`rest` is the tier and those after it in its group, which one read may serve).
 */
export interface TierReader {
  ids(tier: SearchTier, rest: readonly SearchTier[], count: number): Promise<number[]>;
  /**
   * The first `window` ids of the whole answer in relevance order, read at once where that is
   * cheaper than tier by tier; null where it is not (then read the plan's tiers in turn).
   */
  whole(
    first: SearchTier,
    plan: () => Promise<SearchPlan>,
    window: number,
  ): Promise<number[] | null>;
  /** Whether no movie matches the search, where one read can tell more cheaply than its tiers. */
  matchesNone?(plan: SearchPlan): Promise<boolean>;
}

/** Movies a PostgreSQL search reads in id order before it asks the GIN index, per page size. */
const WALK_ROWS = 5_000;
const WALK_ROWS_PER_MOVIE = 20;
const WALK_MAX_ROWS = 50_000;
/**
 * Movies the first tier's own walk reads, per page size: enough for a word in 1 movie of 40 or
 * more, which it answers alone (a longer walk of every tier decides the rest).
 */
const FIRST_WALK_ROWS = 500;
const FIRST_WALK_ROWS_PER_MOVIE = 40;
/** Matches of a whole search the GIN index hands over to be ranked at once, at most. */
const RANKED_MAX_ROWS = 2_000;

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

// Sent by name: PostgreSQL plans a search's statements once per connection, not on every run
// (0.1–0.4 ms each). Their plans do not hang on the values: a walk in id order, or the GIN index.
const run = <R>(db: Db, query: RawBuilder<R>) => executeNamed(db, query, 'search');

const idsOf = async (db: Db, query: RawBuilder<{ id: number }>) =>
  (await run(db, query)).rows.map((row) => Number(row.id));

/**
 * SQLite: FTS5 hands the ids over in order and the query stops at its limit. Words that never
 * meet make every tier read their lists to the end (two frequent ones at 1M movies: 21 ms a
 * search): one read of the whole search, each word's terms in any field, tells whether any
 * tier can find anything (3 ms).
 */
function sqliteReader(db: Db, filters: MovieFilters): TierReader {
  const { where } = otherFilters('sqlite', filters);
  const read = (condition: string, count: number) =>
    idsOf(
      db,
      sql<{ id: number }>`select movies.id as id from movie_search
        join movies on movies.id = movie_search.rowid
        where movie_search match +${condition} and ${where}
        order by movie_search.rowid limit ${count} + 0`,
    );
  // The last read, kept: the whole read and the read tier by tier after it share the first.
  let last: { condition: string; count: number; ids: Promise<number[]> } | undefined;
  const ids = (tier: SearchTier, _rest: readonly SearchTier[], count: number) => {
    if (last?.condition !== tier.condition || last.count !== count) {
      last = { condition: tier.condition, count, ids: read(tier.condition, count) };
    }
    return last.ids;
  };
  return {
    ids,
    async whole(tier, _plan, count) {
      const found = await ids(tier, [], count);
      return found.length >= count ? found : null;
    },
    async matchesNone({ anywhere }) {
      const { rows } = await run(
        db,
        sql`select 1 from movie_search where movie_search match +${anywhere} limit 1`,
      );
      return rows.length === 0;
    },
  };
}

/**
 * PostgreSQL: GIN gives every match at once, in no order. Reading the index is cheap for a tier
 * of few movies and costly for many (83,333 matches at 1M: 76 ms); reading movies in id order
 * until the page fills is the other way round (12 of those: 0.2 ms; no match: the whole table).
 * The planner picks from its estimate, which for two words or a prefix can be wrong by a factor
 * of thousands (seconds a search). Here both are bounded instead:
 * - the first tier reads the first movies in id order until its page fills (500 at most), which
 *   answers a frequent word alone;
 * - when none of those movies matches the search at all (a number, a word that is nowhere, two
 *   words that never meet), it is likely rare: the whole search is asked of the GIN index once
 *   and ranked there, with the other plans off, in the statement that tells it (one read of
 *   each word's list instead of one a tier: two frequent words that never meet, 4.5 ms a read
 *   at 1M movies);
 * - otherwise, or when the index has more than 2,000 matches to rank, every tier is read in one
 *   walk of the first 5,000 movies (1.2–1.6 ms), each movie marked with the first tier it
 *   matches; when no tier fills its page there, the index ranks the whole search as above;
 * - then tier by tier: a tier that did not fill its page in the walk asks the GIN index. A tier
 *   that sparse holds few movies (under 12 in 5,000), so the index read is small.
 */
function postgresReader(db: Db, filters: MovieFilters, window: number): TierReader {
  const { where, any } = otherFilters('postgres', filters);
  const walk = Math.min(WALK_MAX_ROWS, Math.max(WALK_ROWS, WALK_ROWS_PER_MOVIE * window));
  const walkOf = (rows: number) =>
    sql`(select movie_id, document from movie_search order by movie_id limit ${rows}) s`;
  const walked = walkOf(walk);
  const firstWalked = walkOf(
    Math.min(walk, Math.max(FIRST_WALK_ROWS, FIRST_WALK_ROWS_PER_MOVIE * window)),
  );
  // The movies rows only for other filters: under the index's plan, the join would be planned
  // from the index's estimate too (a prefix's: a hash join reading every movie, 140 ms).
  const movies = any ? sql`join movies on movies.id = s.movie_id` : sql``;
  const matching = (from: typeof walked, condition: string, count: number) =>
    sql<{ id: number }>`select s.movie_id as id from ${from} ${movies}
      where s.document @@ ${condition}::tsquery and ${where}
      order by s.movie_id limit ${count}`;
  // From the GIN index with the other plans off: the first ids of the tier, those the walk found
  // among them. Without other filters, by migration 013's movie_search_matches (`most` null:
  // every match), one statement. With them, a tier sparse in the walk may still be a word in
  // every movie (the filters left few of them), and the function would hand over every match
  // before the filters are applied (a word in all of 1M movies, and a genre: 2.1–2.7 s against
  // 1.2–1.5 s): the settings are then set for one transaction, and the filters read as the
  // index's rows come.
  const fromIndex = (condition: string, count: number) =>
    any
      ? db.transaction().execute(async (trx) => {
          await run(
            trx,
            sql`select set_config('enable_seqscan', 'off', true),
              set_config('enable_indexscan', 'off', true),
              set_config('max_parallel_workers_per_gather', '0', true),
              set_config('jit', 'off', true)`,
          );
          return idsOf(trx, matching(sql`movie_search s`, condition, count));
        })
      : idsOf(
          db,
          matching(sql`movie_search_matches(${condition}::tsquery, null) s`, condition, count),
        );
  // Each movie's rank: the first of these tiers it matches.
  const rankOf = (tiers: readonly SearchTier[]) =>
    sql`case ${sql.join(
      tiers.map(
        (tier) => sql`when s.document @@ ${tier.condition}::tsquery then ${tier.rank}::int`,
      ),
      sql` `,
    )} end`;
  // The whole search from the index, ranked: null when more than RANKED_MAX_ROWS movies match.
  // `ifRare`: only when none of the first walk's movies matches it (else `held`, and no read of
  // the index): a search in none of the first 500 movies is likely rare, and one statement then
  // both tells it and ranks it.
  const ranked = async ({ tiers, all }: SearchPlan, count: number, ifRare: boolean) => {
    const held = ifRare
      ? sql`exists (select 1 from ${firstWalked} ${movies}
          where s.document @@ ${all}::tsquery and ${where})`
      : sql`false`;
    const { rows } = await run(
      db,
      sql<{ held: boolean; n: string | number | null; ids: (string | number)[] | null }>`
        with sample as materialized (select ${held} as held),
          found as (select * from movie_search_matches(${all}::tsquery, ${RANKED_MAX_ROWS + 1}))
        select (select held from sample) as held,
          case when not (select held from sample) then (select count(*) from found) end as n,
          case when not (select held from sample) then (select array_agg(id order by rank, id) from (
            select s.movie_id as id, ${rankOf(tiers)} as rank from found s ${movies} where ${where}
            order by rank, s.movie_id limit ${count}) as page) end as ids`,
    );
    const row = rows[0];
    if (row === undefined || row.held) return { held: true, ids: null };
    return {
      held: false,
      ids: Number(row.n) > RANKED_MAX_ROWS ? null : (row.ids ?? []).map(Number),
    };
  };
  // The walk of a group: each movie with the rank of the first of its tiers it matches (or of an
  // earlier tier: then the group's first), in id order; per rank at most the most a tier asks
  // (the window, and the earlier tiers' movies it leaves out).
  // The walk made is kept while it answers the tier asked: its marks run from its first tier to
  // its last (the whole read's walk of every tier answers them all).
  let group: { first: number; last: number; rows: { id: number; rank: number }[] } | undefined;
  const walkGroup = async (tiers: readonly SearchTier[]) => {
    const [first, last] = [tiers[0], tiers[tiers.length - 1]];
    if (first === undefined || last === undefined) return [];
    if (group === undefined || first.rank < group.first || first.rank > group.last) {
      const { rows } = await run(
        db,
        sql<{ id: number; rank: number }>`select id, rank from (
          select id, rank, row_number() over (partition by rank order by id) as nth from (
            select s.movie_id as id, ${rankOf(tiers)} as rank from ${walked} ${movies}
            where s.document @@ ${last.condition}::tsquery and ${where}) as marked) as ranked
        where nth <= ${2 * window} order by id`,
      );
      group = {
        first: first.rank,
        last: last.rank,
        rows: rows.map((row) => ({ id: Number(row.id), rank: Number(row.rank) })),
      };
    }
    return group.rows;
  };
  return {
    async whole(tier, plan, count) {
      const found = await idsOf(db, matching(firstWalked, tier.condition, count));
      if (found.length >= count) return found;
      const resolved = await plan();
      const rare = await ranked(resolved, count, true);
      if (rare.ids !== null) return rare.ids;
      // Some tier may fill the page from the walk: then tier by tier reads less.
      if ((await walkGroup(resolved.tiers)).length >= count) return null;
      // Not read yet when the first movies held some of the search.
      return rare.held ? (await ranked(resolved, count, false)).ids : null;
    },
    async ids(tier, rest, count) {
      const rows = await walkGroup(rest);
      const found = rows.filter((row) => row.rank <= tier.rank).map((row) => row.id);
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
