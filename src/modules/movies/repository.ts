import {
  sql,
  type CompiledQuery,
  type ExpressionBuilder,
  type Kysely,
  type OrderByModifiers,
} from 'kysely';
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
import { movieJson } from './movie-json.js';
import type { Movie } from './schemas.js';

export type { MovieFilters, MovieOrder } from './list-query.js';

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

/** A row of a movie list: the movie's answer as JSON bytes, and what a cursor behind it holds. */
export interface MovieJsonRow {
  readonly json: Buffer;
  readonly id: number;
  /** The value of the order's first key; null when that key is the id (see `id`). */
  readonly sort_key: CursorValue;
}

/** The sort key values of a row, as a cursor behind it holds them. */
export function cursorValuesOf(row: MovieJsonRow, order: MovieOrder): CursorValue[] {
  return order.map(({ key }) => (key === 'id' ? row.id : row.sort_key));
}

// The id is not selected twice: SQLite would then not see a page's order and sort it again.
const sortKeyOf = (first: MovieOrder[number]) =>
  (first.key === 'id' ? sql`null` : sql.ref(COLUMN_BY_KEY[first.key]))
    .$castTo<CursorValue>()
    .as('sort_key');

interface OrderTerm {
  readonly key: MovieOrder[number]['key'];
  readonly descending: boolean;
  /** Only year and rating can be null; plain order on the others lets every index serve it. */
  readonly nullsLast: boolean;
}

const modifiersOf = ({ descending, nullsLast }: OrderTerm): OrderByModifiers =>
  nullsLast
    ? (item) => (descending ? item.desc() : item.asc()).nullsLast()
    : descending
      ? 'desc'
      : 'asc';

type Expressions = ExpressionBuilder<Database, never>;

function selectPage(eb: Expressions, first: MovieOrder[number]) {
  return eb.selectFrom('movies').select(['movies.id', sortKeyOf(first)]);
}

type PageQuery = ReturnType<typeof selectPage>;

function orderPage(page: PageQuery, terms: readonly OrderTerm[]): PageQuery {
  return terms.reduce(
    (query, term) => query.orderBy(COLUMN_BY_KEY[term.key], modifiersOf(term)),
    page,
  );
}

/**
 * The movies of a page picked by `page` (ids and sort key, in `terms` order), with their JSON:
 * built for the page's rows only, never for the rows a sort or an offset goes through.
 */
function selectMovieJsonPage(
  db: Db,
  dialect: Dialect,
  page: (eb: Expressions) => PageQuery,
  terms: readonly OrderTerm[],
) {
  const query = db
    .selectFrom((eb) => page(eb).as('page'))
    .innerJoin('movies', 'movies.id', 'page.id')
    .leftJoin('genres', 'genres.id', 'movies.genre_id')
    .leftJoin('directors', 'directors.id', 'movies.director_id')
    .select([movieJson(dialect).as('json'), 'page.id', 'page.sort_key']);
  // The page's own order again: both databases see the rows come in it and do not sort them.
  return terms.reduce(
    (ordered, term) =>
      ordered.orderBy(term.key === 'id' ? 'page.id' : 'page.sort_key', modifiersOf(term)),
    query,
  );
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
): Promise<MovieJsonRow[]> {
  const { offset, limit, after } = window;
  if (after !== undefined) return listMoviesBehind(db, dialect, filters, order, limit, after);
  const [first] = order;
  if (first === undefined) throw new Error('a movie list needs an order');
  const terms = order.map(({ key, descending }) => ({
    key,
    descending,
    nullsLast: NULLABLE_KEYS.has(key),
  }));
  const page = (eb: Expressions) => {
    const matching = selectPage(eb, first).where((where) =>
      movieFilterCondition(
        where,
        dialect,
        filters,
        idOnlyOrderOf(filters, order, undefined),
        offset + limit,
      ),
    );
    return orderPage(matching, terms).limit(limit).offset(offset);
  };
  return selectMovieJsonPage(db, dialect, page, terms).execute();
}

// A keyset page reads its rows in index order and stops at its limit: one query builds the JSON.
function selectMovieJson(db: Db, dialect: Dialect, first: MovieOrder[number]) {
  return fromMovies(db).select([movieJson(dialect).as('json'), 'movies.id', sortKeyOf(first)]);
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
  const ordered = selectMovieJson(db, dialect, first)
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
  return selectMovieJson(db, dialect, key)
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
): Promise<MovieJsonRow[]> {
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
  return rows;
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
      .select(movieJson(dialect).as('json'))
      .where('movies.id', '=', 0)
      .compile();
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
