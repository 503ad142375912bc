import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { executeNamed } from '../../db/statement-names.js';
import { jsonArrayOf } from '../../shared/json-array.js';
import type { MovieJsonList } from './list-query.js';
import type { MovieFilters } from './list-request.js';
import { movieJsonBytes } from './movie-json.js';
import { FIRST_TYPO_CLASS, type Search, type SearchTier } from './search-plan.js';
import { tierReader } from './search-tiers.js';

type Db = Kysely<Database>;

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
  // The movies of the tiers read so far, each read to its end: a tier's condition holds the
  // movies of those before it too, and they are left out here rather than in the index's
  // query, where "and not" reads the lists of every word again.
  const earlier = new Set<number>();
  const reader = tierReader(db, dialect, filters, offset + limit);
  const read = async (tiers: readonly SearchTier[]): Promise<boolean> => {
    for (const [index, tier] of tiers.entries()) {
      const wanted = skip + limit - ids.length;
      const found = await reader.ids(tier, tiers.slice(index), wanted + earlier.size);
      const fresh = found.filter((id) => !earlier.has(id)).slice(0, wanted);
      ids.push(...fresh.slice(skip));
      skip = Math.max(0, skip - fresh.length);
      if (ids.length >= limit) return true;
      for (const id of fresh) earlier.add(id);
    }
    return false;
  };
  const early = await search.earlyTiers();
  const first = early[0];
  const whole =
    first === undefined ? null : await reader.whole(first, () => search.plan(), offset + limit);
  if (whole !== null) return whole.slice(offset, offset + limit);
  if (!(await read(early))) {
    const plan = await search.plan();
    // Words that may never meet, none of them in a title together: asked once, before the later
    // tiers each read their lists (a prefix or a typo alone gains nothing from it).
    if (earlier.size === 0 && search.words.length > 1 && (await reader.matchesNone?.(plan))) {
      return [];
    }
    await read(plan.tiers.filter((tier) => tier.rank >= FIRST_TYPO_CLASS));
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
  const query = db
    .selectFrom('movies')
    .leftJoin('genres', 'genres.id', 'movies.genre_id')
    .leftJoin('directors', 'directors.id', 'movies.director_id')
    .select(['movies.id', movieJsonBytes(dialect).as('json')]);
  // PostgreSQL: one statement for any number of ids, sent by name (planned once a connection).
  const { rows } =
    dialect === 'postgres'
      ? await executeNamed(
          db,
          query.where(sql<SqlBool>`movies.id = any(${ids}::bigint[])`),
          'search',
        )
      : await db.executeQuery(query.where('movies.id', 'in', ids).compile());
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
