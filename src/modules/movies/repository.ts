import type { CompiledQuery, Kysely } from 'kysely';
import { nameStatement } from '../../db/statement-names.js';
import { readCatalogVersion } from '../../db/catalog-version.js';
import type { Dialect } from '../../db/database.js';
import type { Database, MovieRow } from '../../db/schema.js';
import type { MovieChange } from '../../shared/catalog-resources.js';
import { textKeyOf } from '../../shared/text-key.js';
import { filterValuesOf, movieFilterCondition } from './list-query.js';
import type { MovieFilters } from './list-request.js';
import { movieJsonBytes } from './movie-json.js';
import type { Movie } from './schemas.js';

export type { MovieFilters, MovieOrder } from './list-request.js';
export {
  columnsDecidingList,
  cursorValuesOf,
  listMovies,
  selectMoviePage,
  selectMoviesBehind,
  type MovieJsonList,
  type MovieListEntry,
  type MovieListWindow,
} from './list-query.js';
export { MOVIE_ANSWER_READS } from './movie-json.js';

type Db = Kysely<Database>;

export type MovieFields = Omit<MovieRow, 'id' | 'title_key'>;

function fromMovies(db: Db) {
  return db
    .selectFrom('movies')
    .leftJoin('genres', 'genres.id', 'movies.genre_id')
    .leftJoin('directors', 'directors.id', 'movies.director_id');
}

export function selectMovies(db: Db) {
  return fromMovies(db).select([
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

export async function countMovies(
  db: Db,
  dialect: Dialect,
  filters: MovieFilters,
): Promise<number> {
  const row = await db
    .selectFrom('movies')
    .where((eb) => movieFilterCondition(eb, filterValuesOf(dialect, filters), null, 0))
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function findMovieById(db: Db, id: number): Promise<Movie | undefined> {
  const row = await selectMovies(db).where('movies.id', '=', id).executeTakeFirst();
  return row && movieRowToMovie(row);
}

// The most frequent read is built and compiled once per database; only its parameter changes.
const movieJsonByIdQueries = new WeakMap<Db, CompiledQuery<{ json: Buffer }>>();

function movieJsonByIdQuery(db: Db, dialect: Dialect): CompiledQuery<{ json: Buffer }> {
  let compiled = movieJsonByIdQueries.get(db);
  if (compiled === undefined) {
    compiled = fromMovies(db)
      .select(movieJsonBytes(dialect).as('json'))
      .where('movies.id', '=', 0)
      .compile();
    nameStatement(compiled.sql);
    movieJsonByIdQueries.set(db, compiled);
  }
  return compiled;
}

/** The movie's answer as JSON bytes. */
export async function findMovieJsonById(
  db: Db,
  dialect: Dialect,
  id: number,
): Promise<Buffer | undefined> {
  const query: CompiledQuery<{ json: Buffer }> = {
    ...movieJsonByIdQuery(db, dialect),
    parameters: [id],
  };
  const { rows } = await db.executeQuery(query);
  return rows[0]?.json;
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
    .values({ ...fields, title_key: textKeyOf(fields.title) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Changes a movie; gives the version of the movies table the change committed and the columns it
 * set (null: nothing changed), read in the same transaction, so no other write is taken for it.
 */
export async function updateMovie(
  db: Db,
  id: number,
  fields: Partial<MovieFields>,
): Promise<MovieChange | null> {
  const changes =
    fields.title === undefined ? fields : { ...fields, title_key: textKeyOf(fields.title) };
  const columns = Object.keys(changes);
  if (columns.length === 0) return null;
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('movies')
      .set(changes)
      .where('id', '=', id)
      .executeTakeFirst();
    // No row (deleted meanwhile): the version read would be another write's.
    if (result.numUpdatedRows === 0n) return null;
    return { version: await readCatalogVersion(trx, 'movies'), id, columns };
  });
}

export async function deleteMovie(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('movies').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
