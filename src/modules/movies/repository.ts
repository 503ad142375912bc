import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { Database, MovieRow } from '../../db/schema.js';
import type { Movie } from './schemas.js';

type Db = Kysely<Database>;

export interface MovieFilters {
  directorId?: number;
  genreId?: number;
  year?: number;
  titleContains?: string;
}

export type MovieOrder = { key: 'id' | 'year' | 'rating' | 'title'; descending: boolean }[];

export type MovieFields = Omit<MovieRow, 'id' | 'title_key'>;

const NULLABLE_KEYS = new Set(['year', 'rating']);

const COLUMN_BY_KEY = {
  id: 'movies.id',
  year: 'movies.year',
  rating: 'movies.rating',
  title: 'movies.title_key',
} as const;

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

const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (char) => `\\${char}`);
const globEscape = (text: string): string => text.replace(/[[*?]/g, (char) => `[${char}]`);

// The SQLite trigram index serves needles of three characters or more.
const TRIGRAM = 3;

function titleMatch(
  dialect: Dialect,
  needle: string,
  onlyOrderedById: { descending: boolean } | null,
  rowsNeeded: number,
) {
  const like = sql<boolean>`movies.title_key like ${`%${likeEscape(needle)}%`} escape '\\'`;
  if (dialect !== 'sqlite' || [...needle].length < TRIGRAM) return like;
  const glob = `*${globEscape(needle)}*`;
  // With no other filter or order, the index hands over ids in order and can stop early.
  const ids = onlyOrderedById
    ? sql`select rowid from movies_title_fts where title_key glob ${glob}
          order by rowid ${sql.raw(onlyOrderedById.descending ? 'desc' : 'asc')} limit ${rowsNeeded}`
    : sql`select rowid from movies_title_fts where title_key glob ${glob}`;
  return sql<boolean>`movies.id in (${ids}) and ${like}`;
}

export async function listMovies(
  db: Db,
  dialect: Dialect,
  filters: MovieFilters,
  order: MovieOrder,
  offset: number,
  limit: number,
): Promise<Movie[]> {
  let query = selectMovies(db);
  const { directorId, genreId, year, titleContains } = filters;
  if (directorId !== undefined) query = query.where('movies.director_id', '=', directorId);
  if (genreId !== undefined) query = query.where('movies.genre_id', '=', genreId);
  if (year !== undefined) query = query.where('movies.year', '=', year);
  if (titleContains !== undefined && titleContains !== '') {
    const [first] = order;
    const onlyById =
      order.length === 1 &&
      first?.key === 'id' &&
      [directorId, genreId, year].every((f) => f === undefined)
        ? { descending: first.descending }
        : null;
    query = query.where(titleMatch(dialect, titleContains.toLowerCase(), onlyById, offset + limit));
  }
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

export async function updateMovie(db: Db, id: number, fields: Partial<MovieFields>): Promise<void> {
  const changes =
    fields.title === undefined ? fields : { ...fields, title_key: fields.title.toLowerCase() };
  if (Object.keys(changes).length === 0) return;
  await db.updateTable('movies').set(changes).where('id', '=', id).execute();
}

export async function deleteMovie(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('movies').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
