import { expressionBuilder, sql, type Kysely } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { jsonArrayOf } from '../../shared/json-array.js';
import { filterValuesOf, movieFilterCondition, type MovieJsonList } from './list-query.js';
import type { MovieFilters } from './list-request.js';
import { movieJsonBytes } from './movie-json.js';
import { FIRST_TYPO_CLASS, type Search, type SearchTier } from './search-plan.js';

type Db = Kysely<Database>;

/**
 * Ids of a tier in id order, at most `limit`: the index hands them over in order and the query
 * stops at its limit, whatever the number of movies the tier holds. Other filters are checked on
 * the movies rows the index names.
 */
async function tierIds(
  db: Db,
  dialect: Dialect,
  tier: string,
  filters: MovieFilters,
  limit: number,
): Promise<number[]> {
  const others = { ...filters, searchMatch: undefined };
  const where = movieFilterCondition(
    expressionBuilder<Database, 'movies'>(),
    filterValuesOf(dialect, others),
    null,
    0,
  );
  const query =
    dialect === 'sqlite'
      ? sql<{ id: number }>`select movies.id as id from movie_search
          join movies on movies.id = movie_search.rowid
          where movie_search match +${tier} and ${where}
          order by movie_search.rowid limit ${limit} + 0`
      : sql<{ id: number }>`select s.movie_id as id from movie_search s
          join movies on movies.id = s.movie_id
          where s.document @@ ${tier}::tsquery and ${where}
          order by s.movie_id limit ${limit}`;
  const { rows } = await query.execute(db);
  return rows.map((row) => Number(row.id));
}

/** The ids of a window of the search's answer in relevance order: tier by tier, each by id. */
export async function searchIds(
  db: Db,
  dialect: Dialect,
  search: Search,
  filters: MovieFilters,
  offset: number,
  limit: number,
): Promise<number[]> {
  const ids: number[] = [];
  let skip = offset;
  const read = async (tiers: readonly SearchTier[]): Promise<boolean> => {
    for (const tier of tiers) {
      const wanted = skip + limit - ids.length;
      const found = await tierIds(db, dialect, tier.condition, filters, wanted);
      ids.push(...found.slice(skip));
      skip = Math.max(0, skip - found.length);
      if (ids.length >= limit) return true;
    }
    return false;
  };
  const early = await search.earlyTiers();
  if (!(await read(early))) {
    const { tiers } = await search.plan();
    await read(tiers.filter((tier) => tier.rank >= FIRST_TYPO_CLASS));
  }
  return ids.slice(0, limit);
}

/** The answers of the movies with these ids, in this order, as listMovies gives a list. */
export async function moviesJsonByIds(
  db: Db,
  dialect: Dialect,
  ids: readonly number[],
): Promise<MovieJsonList> {
  if (ids.length === 0) return { json: Buffer.from('[]'), entries: [] };
  const rows = await db
    .selectFrom('movies')
    .leftJoin('genres', 'genres.id', 'movies.genre_id')
    .leftJoin('directors', 'directors.id', 'movies.director_id')
    .select(['movies.id', movieJsonBytes(dialect).as('json')])
    .where('movies.id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((row) => [Number(row.id), row.json]));
  // A movie deleted between the two queries is left out.
  const listed = ids.flatMap((id) => {
    const json = byId.get(id);
    return json === undefined ? [] : [[id, json] as const];
  });
  return {
    json: jsonArrayOf(listed.map(([, json]) => json)),
    entries: listed.map(([id, json]) => [json.length, id, null] as const),
  };
}
