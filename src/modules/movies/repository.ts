import type { CompiledQuery, Kysely } from 'kysely';
import { readCatalogVersion } from '../../db/catalog-version.js';
import type { Dialect } from '../../db/database.js';
import type { Database, MovieRow } from '../../db/schema.js';
import type { CursorValue } from '../../shared/keyset-cursor.js';
import {
  behindCursor,
  COLUMN_BY_KEY,
  idOnlyOrderOf,
  movieFilterCondition,
  NULLABLE_KEYS,
  type MovieFilters,
  type MovieOrder,
} from './list-query.js';
import type { Movie } from './schemas.js';

export type { MovieFilters, MovieOrder } from './list-query.js';

type Db = Kysely<Database>;

export type MovieFields = Omit<MovieRow, 'id' | 'title_key'>;

export function selectMovies(db: Db) {
  return db
    .selectFrom('movies')
    .leftJoin('genres', 'genres.id', 'movies.genre_id')
    .leftJoin('directors', 'directors.id', 'movies.director_id')
    .select([
      'movies.id',
      'movies.title',
      'movies.description',
      'movies.trailer',
      'movies.year',
      'movies.rating',
      'movies.genre_id',
      'movies.director_id',
      'genres.name as genre_name',
      'directors.name as director_name',
    ]);
}

type MovieJoinedRow = Awaited<
  ReturnType<ReturnType<typeof selectMovies>['executeTakeFirstOrThrow']>
>;

export function movieRowToMovie(row: MovieJoinedRow): Movie {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    trailer: row.trailer,
    year: row.year,
    rating: row.rating,
    genre_id: row.genre_id,
    director_id: row.director_id,
    genre:
      row.genre_id !== null && row.genre_name !== null
        ? { id: row.genre_id, name: row.genre_name }
        : null,
    director:
      row.director_id !== null && row.director_name !== null
        ? { id: row.director_id, name: row.director_name }
        : null,
  };
}

export interface MovieListWindow {
  readonly offset: number;
  readonly limit: number;
  /** Keyset cursor: the sort key values of the row the list starts behind, id last. */
  readonly after?: readonly CursorValue[];
}

export async function listMovies(
  db: Db,
  dialect: Dialect,
  filters: MovieFilters,
  order: MovieOrder,
  window: MovieListWindow,
): Promise<Movie[]> {
  const { offset, limit, after } = window;
  if (after !== undefined) return listMoviesBehind(db, dialect, filters, order, limit, after);
  let query = selectMovies(db).where((eb) =>
    movieFilterCondition(
      eb,
      dialect,
      filters,
      idOnlyOrderOf(filters, order, undefined),
      offset + limit,
    ),
  );
  for (const { key, descending } of order) {
    // Only year and rating can be null; plain order on the others lets every index serve it.
    query = NULLABLE_KEYS.has(key)
      ? query.orderBy(COLUMN_BY_KEY[key], (item) =>
          descending ? item.desc().nullsLast() : item.asc().nullsLast(),
        )
      : query.orderBy(COLUMN_BY_KEY[key], descending ? 'desc' : 'asc');
  }
  const rows = await query.limit(limit).offset(offset).execute();
  return rows.map(movieRowToMovie);
}

/** The query of a keyset page: rows behind the cursor, never the rows before it. */
export function selectMoviesBehind(
  db: Db,
  dialect: Dialect,
  filters: MovieFilters,
  order: MovieOrder,
  limit: number,
  after: readonly CursorValue[],
) {
  const [first] = order;
  const id = after[after.length - 1];
  if (first === undefined || typeof id !== 'number') throw new Error('cursor without an id');
  const direction = first.descending ? 'desc' : 'asc';
  // Null keys are excluded by the comparison, so the plain order is the order of the index.
  const ordered = selectMovies(db)
    .where((eb) =>
      eb.and([
        movieFilterCondition(eb, dialect, filters, idOnlyOrderOf(filters, order, id), limit),
        behindCursor(eb, first, after[0] ?? null, id),
      ]),
    )
    .orderBy(COLUMN_BY_KEY[first.key], direction);
  return (first.key === 'id' ? ordered : ordered.orderBy('movies.id', direction)).limit(limit);
}

/** After the last non-null key come the rows whose key is null, in id order. */
function selectNullKeyedMovies(
  db: Db,
  dialect: Dialect,
  filters: MovieFilters,
  key: MovieOrder[number],
  limit: number,
) {
  return selectMovies(db)
    .where((eb) =>
      eb.and([
        movieFilterCondition(eb, dialect, filters, null, limit),
        eb(COLUMN_BY_KEY[key.key], 'is', null),
      ]),
    )
    .orderBy('movies.id', key.descending ? 'desc' : 'asc')
    .limit(limit);
}

async function listMoviesBehind(
  db: Db,
  dialect: Dialect,
  filters: MovieFilters,
  order: MovieOrder,
  limit: number,
  after: readonly CursorValue[],
): Promise<Movie[]> {
  const rows = await selectMoviesBehind(db, dialect, filters, order, limit, after).execute();
  const [first] = order;
  if (
    rows.length < limit &&
    first !== undefined &&
    NULLABLE_KEYS.has(first.key) &&
    after[0] !== null
  ) {
    const nullKeyed = selectNullKeyedMovies(db, dialect, filters, first, limit - rows.length);
    rows.push(...(await nullKeyed.execute()));
  }
  return rows.map(movieRowToMovie);
}

export async function countMovies(
  db: Db,
  dialect: Dialect,
  filters: MovieFilters,
): Promise<number> {
  const row = await db
    .selectFrom('movies')
    .where((eb) => movieFilterCondition(eb, dialect, filters, null, 0))
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The value a movie sorts by under this key, as the list query compares it. */
export function sortValueOf(movie: Movie, key: MovieOrder[number]['key']): CursorValue {
  if (key === 'title') return movie.title.toLowerCase();
  return movie[key];
}

// The most frequent read is built and compiled once per database; only its parameter changes.
const movieByIdQueries = new WeakMap<Db, CompiledQuery<MovieJoinedRow>>();

function movieByIdQuery(db: Db): CompiledQuery<MovieJoinedRow> {
  let compiled = movieByIdQueries.get(db);
  if (compiled === undefined) {
    compiled = selectMovies(db).where('movies.id', '=', 0).compile();
    movieByIdQueries.set(db, compiled);
  }
  return compiled;
}

export async function findMovieById(db: Db, id: number): Promise<Movie | undefined> {
  const query: CompiledQuery<MovieJoinedRow> = { ...movieByIdQuery(db), parameters: [id] };
  const { rows } = await db.executeQuery(query);
  const [row] = rows;
  return row && movieRowToMovie(row);
}

export async function movieExists(db: Db, id: number): Promise<boolean> {
  return (
    (await db.selectFrom('movies').select('id').where('id', '=', id).executeTakeFirst()) !==
    undefined
  );
}

export async function insertMovie(db: Db, fields: MovieFields): Promise<number> {
  const row = await db
    .insertInto('movies')
    .values({ ...fields, title_key: fields.title.toLowerCase() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Changes a movie; gives the version of the movies table the change committed (null: nothing
 * changed), read in the same transaction, so that no other write can be mistaken for this one.
 */
export async function updateMovie(
  db: Db,
  id: number,
  fields: Partial<MovieFields>,
): Promise<number | null> {
  const changes =
    fields.title === undefined ? fields : { ...fields, title_key: fields.title.toLowerCase() };
  if (Object.keys(changes).length === 0) return null;
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('movies')
      .set(changes)
      .where('id', '=', id)
      .executeTakeFirst();
    // No row (deleted meanwhile): the version read would be another write's.
    if (result.numUpdatedRows === 0n) return null;
    return readCatalogVersion(trx, 'movies');
  });
}

export async function deleteMovie(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('movies').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
