import {
  sql,
  type AliasedSelectQueryBuilder,
  type ExpressionBuilder,
  type Kysely,
  type OrderByModifiers,
} from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { joinJsonArrays } from '../../shared/json-array.js';
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
import { movieJson, movieJsonArray } from './movie-json.js';

type Db = Kysely<Database>;

/** A movie of a list: its JSON's byte length, its id, and the value of the order's first key. */
export type MovieListEntry = readonly [byteLength: number, id: number, sortKey: CursorValue];

/** Movies as the UTF-8 bytes of one JSON array of their answers, and an entry for each. */
export interface MovieJsonList {
  readonly json: Buffer;
  readonly entries: MovieListEntry[];
}

/** The sort key values of a listed movie, as a cursor behind it holds them. */
export function cursorValuesOf(entry: MovieListEntry, order: MovieOrder): CursorValue[] {
  return order.map(({ key }) => (key === 'id' ? entry[1] : entry[2]));
}

type Expressions = ExpressionBuilder<Database, never>;

/** Movies with their answers, in list order: the subquery `list` that movieJsonArray reads. */
type ListQuery = AliasedSelectQueryBuilder<
  { json: string; id: number; sort_key: CursorValue },
  'list'
>;

function selectJsonList(db: Db, dialect: Dialect, list: (eb: Expressions) => ListQuery) {
  const { json, entries } = movieJsonArray(dialect);
  return db.selectFrom(list).select([json.as('json'), entries.as('entries')]);
}

async function readJsonList(query: ReturnType<typeof selectJsonList>): Promise<MovieJsonList> {
  const row = await query.executeTakeFirstOrThrow();
  return { json: row.json, entries: JSON.parse(row.entries) as MovieListEntry[] };
}

// The id is not selected twice: SQLite would then not see a page's order and sort it again.
const sortKeyOf = (first: MovieOrder[number]) =>
  (first.key === 'id' ? sql`null` : sql.ref(COLUMN_BY_KEY[first.key]))
    .$castTo<CursorValue>()
    .as('sort_key');

const joinedMovies = (eb: Expressions) =>
  eb
    .selectFrom('movies')
    .leftJoin('genres', 'genres.id', 'movies.genre_id')
    .leftJoin('directors', 'directors.id', 'movies.director_id');

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
 * The movies of a page picked by `page` (ids and sort key, in `terms` order) with their answers,
 * built for the page's rows only, never for the rows a sort or an offset goes through.
 */
function pageWithJson(
  eb: Expressions,
  dialect: Dialect,
  page: PageQuery,
  terms: readonly OrderTerm[],
): ListQuery {
  const query = eb
    .selectFrom(page.as('page'))
    .innerJoin('movies', 'movies.id', 'page.id')
    .leftJoin('genres', 'genres.id', 'movies.genre_id')
    .leftJoin('directors', 'directors.id', 'movies.director_id')
    .select([movieJson(dialect).as('json'), 'page.id', 'page.sort_key']);
  // The page's own order again: both databases see the rows come in it and do not sort them.
  return terms
    .reduce(
      (ordered, term) =>
        ordered.orderBy(term.key === 'id' ? 'page.id' : 'page.sort_key', modifiersOf(term)),
      query,
    )
    .as('list');
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
): Promise<MovieJsonList> {
  const { offset, limit, after } = window;
  if (after !== undefined) return listMoviesBehind(db, dialect, filters, order, limit, after);
  const [first] = order;
  if (first === undefined) throw new Error('a movie list needs an order');
  const terms = order.map(({ key, descending }) => ({
    key,
    descending,
    nullsLast: NULLABLE_KEYS.has(key),
  }));
  const list = selectJsonList(db, dialect, (eb) => {
    const matching = selectPage(eb, first).where((where) =>
      movieFilterCondition(
        where,
        dialect,
        filters,
        idOnlyOrderOf(filters, order, undefined),
        offset + limit,
      ),
    );
    return pageWithJson(eb, dialect, orderPage(matching, terms).limit(limit).offset(offset), terms);
  });
  return readJsonList(list);
}

// A keyset page reads its rows in index order and stops at its limit: the answers are built as
// the rows are read.
function selectMoviesWithJson(eb: Expressions, dialect: Dialect, first: MovieOrder[number]) {
  return joinedMovies(eb).select([movieJson(dialect).as('json'), 'movies.id', sortKeyOf(first)]);
}

/** The movies of a keyset page: rows behind the cursor, never the rows before it. */
function moviesBehind(
  eb: Expressions,
  dialect: Dialect,
  filters: MovieFilters,
  order: MovieOrder,
  limit: number,
  after: readonly CursorValue[],
): ListQuery {
  const [first] = order;
  const id = after[after.length - 1];
  if (first === undefined || typeof id !== 'number') throw new Error('cursor without an id');
  const direction = first.descending ? 'desc' : 'asc';
  // Null keys are excluded by the comparison, so the plain order is the order of the index.
  const ordered = selectMoviesWithJson(eb, dialect, first)
    .where((where) =>
      where.and([
        movieFilterCondition(where, dialect, filters, idOnlyOrderOf(filters, order, id), limit),
        behindCursor(where, first, after[0] ?? null, id),
      ]),
    )
    .orderBy(COLUMN_BY_KEY[first.key], direction);
  return (first.key === 'id' ? ordered : ordered.orderBy('movies.id', direction))
    .limit(limit)
    .as('list');
}

/** The query of a keyset page, as listMovies runs it. */
export function selectMoviesBehind(
  db: Db,
  dialect: Dialect,
  filters: MovieFilters,
  order: MovieOrder,
  limit: number,
  after: readonly CursorValue[],
) {
  return selectJsonList(db, dialect, (eb) =>
    moviesBehind(eb, dialect, filters, order, limit, after),
  );
}

/** After the last non-null key come the rows whose key is null, in id order. */
function nullKeyedMovies(
  eb: Expressions,
  dialect: Dialect,
  filters: MovieFilters,
  key: MovieOrder[number],
  limit: number,
): ListQuery {
  return selectMoviesWithJson(eb, dialect, key)
    .where((where) =>
      where.and([
        movieFilterCondition(where, dialect, filters, null, limit),
        where(COLUMN_BY_KEY[key.key], 'is', null),
      ]),
    )
    .orderBy('movies.id', key.descending ? 'desc' : 'asc')
    .limit(limit)
    .as('list');
}

async function listMoviesBehind(
  db: Db,
  dialect: Dialect,
  filters: MovieFilters,
  order: MovieOrder,
  limit: number,
  after: readonly CursorValue[],
): Promise<MovieJsonList> {
  const behind = await readJsonList(selectMoviesBehind(db, dialect, filters, order, limit, after));
  const [first] = order;
  const count = behind.entries.length;
  if (count >= limit || first === undefined || !NULLABLE_KEYS.has(first.key) || after[0] === null) {
    return behind;
  }
  const nullKeyed = await readJsonList(
    selectJsonList(db, dialect, (eb) =>
      nullKeyedMovies(eb, dialect, filters, first, limit - count),
    ),
  );
  return {
    json: joinJsonArrays([behind.json, nullKeyed.json]),
    entries: [...behind.entries, ...nullKeyed.entries],
  };
}
