import {
  sql,
  type AliasedSelectQueryBuilder,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type OrderByModifiers,
  type SqlBool,
} from 'kysely';
import type { Dialect } from '../../db/database.js';
import { QueryShapes, slot as slotOf } from '../../db/query-shapes.js';
import type { Database } from '../../db/schema.js';
import { joinJsonArrays } from '../../shared/json-array.js';
import type { CursorValue } from '../../shared/keyset-cursor.js';
import { textKeyOf } from '../../shared/text-key.js';
import type { MovieFilters, MovieOrder } from './list-request.js';
import { movieJson, movieJsonArray } from './movie-json.js';
import { searchMatchCondition } from './search-plan.js';

// One query for a movie list, in two paging modes: an offset page, and a keyset page behind a
// cursor. Each builds the page's answers as JSON in the database; listMovies runs them.

const NULLABLE_KEYS = new Set(['year', 'rating']);

const COLUMN_BY_KEY = {
  id: 'movies.id',
  year: 'movies.year',
  rating: 'movies.rating',
  title: 'movies.title_key',
} as const;

type MovieExpressions = ExpressionBuilder<Database, 'movies'>;

const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (char) => `\\${char}`);
const globEscape = (text: string): string => text.replace(/[[*?]/g, (char) => `[${char}]`);

// The SQLite trigram index serves needles of three characters or more.
const TRIGRAM = 3;

/** The order is by id alone, and a keyset page starts behind this id (if any). */
interface IdOnlyOrder {
  readonly descending: boolean;
  readonly afterId: number | undefined;
}

/** A title filter as the list compares it: a LIKE pattern, and a GLOB one the trigram index serves. */
interface TitlePatterns {
  readonly like: string;
  readonly glob: string | undefined;
  /** SQLite compiles a statement again for each new LIKE or GLOB pattern bound as a plain `?`. */
  readonly sqlite: boolean;
}

// Unary plus leaves text as it is; SQLite does not plan around a parameter inside an expression
// (see db/sqlite-dialect.ts), so the statement is compiled once.
const pattern = (value: string, sqlite: boolean) => (sqlite ? sql`+${value}` : sql`${value}`);

/** The filters of a movie list as its query compares them. */
export interface FilterValues {
  readonly directorId?: number;
  readonly genreId?: number;
  readonly year?: number;
  readonly title?: TitlePatterns;
  /** The search index's condition (FTS5 query or tsquery) and the database it is written for. */
  readonly search?: { readonly match: string; readonly dialect: Dialect };
}

export function filterValuesOf(dialect: Dialect, filters: MovieFilters): FilterValues {
  const { directorId, genreId, year, titleContains, searchMatch } = filters;
  const values = {
    directorId,
    genreId,
    year,
    ...(searchMatch === undefined ? {} : { search: { match: searchMatch, dialect } }),
  };
  if (titleContains === undefined || titleContains === '') return values;
  const needle = textKeyOf(titleContains);
  const sqlite = dialect === 'sqlite';
  const trigram = sqlite && [...needle].length >= TRIGRAM;
  return {
    ...values,
    title: {
      like: `%${likeEscape(needle)}%`,
      glob: trigram ? `*${globEscape(needle)}*` : undefined,
      sqlite,
    },
  };
}

function titleMatch(
  title: TitlePatterns,
  onlyOrderedById: IdOnlyOrder | null,
  rowsNeeded: number,
): Expression<SqlBool> {
  const { sqlite } = title;
  const like = sql<boolean>`movies.title_key like ${pattern(title.like, sqlite)} escape '\\'`;
  if (title.glob === undefined) return like;
  // The GLOB is SQLite's alone (its trigram index).
  const glob = pattern(title.glob, true);
  if (!onlyOrderedById) {
    return sql<boolean>`movies.id in (select rowid from movies_title_fts where title_key glob ${glob}) and ${like}`;
  }
  // With no other filter or order, the index hands over ids in order and can stop early.
  const { descending, afterId } = onlyOrderedById;
  const behind =
    afterId === undefined
      ? sql``
      : descending
        ? sql`and rowid < ${afterId}`
        : sql`and rowid > ${afterId}`;
  const ids = sql`select rowid from movies_title_fts where title_key glob ${glob} ${behind}
          order by rowid ${sql.raw(descending ? 'desc' : 'asc')} limit ${rowsNeeded} + 0`;
  return sql<boolean>`movies.id in (${ids}) and ${like}`;
}

/** The filters of a movie list as one condition, shared by the list and its count. */
export function movieFilterCondition(
  eb: MovieExpressions,
  filters: FilterValues,
  onlyOrderedById: IdOnlyOrder | null,
  rowsNeeded: number,
): Expression<SqlBool> {
  const { directorId, genreId, year, title, search } = filters;
  const conditions: Expression<SqlBool>[] = [];
  if (search !== undefined) conditions.push(searchMatchCondition(search.dialect, search.match));
  if (directorId !== undefined) conditions.push(eb('movies.director_id', '=', directorId));
  if (genreId !== undefined) conditions.push(eb('movies.genre_id', '=', genreId));
  if (year !== undefined) conditions.push(eb('movies.year', '=', year));
  if (title !== undefined) conditions.push(titleMatch(title, onlyOrderedById, rowsNeeded));
  return eb.and(conditions);
}

/** The order is by id alone with no filter but the title: the trigram index may stop early. */
function idOnlyOrderOf(
  filters: FilterValues,
  order: MovieOrder,
  afterId: number | undefined,
): IdOnlyOrder | null {
  const [first] = order;
  const byIdAlone =
    order.length === 1 &&
    first?.key === 'id' &&
    [filters.directorId, filters.genreId, filters.year].every((f) => f === undefined);
  return byIdAlone ? { descending: first.descending, afterId } : null;
}

/**
 * Rows strictly behind the cursor row (value, id) in the order, as a row-value comparison the
 * composite indexes (key, id) serve as a range. Null keys (sorted last) are not included: a
 * cursor on a non-null value reads them in a second query once the non-null rows run out.
 */
function behindCursor(
  eb: MovieExpressions,
  key: MovieOrder[number],
  value: CursorValue,
  id: number,
): Expression<SqlBool> {
  const operator = key.descending ? '<' : '>';
  if (key.key === 'id') return eb('movies.id', operator, id);
  if (value === null) {
    return eb.and([eb(COLUMN_BY_KEY[key.key], 'is', null), eb('movies.id', operator, id)]);
  }
  return eb(eb.refTuple(COLUMN_BY_KEY[key.key], 'movies.id'), operator, eb.tuple(value, id));
}

/**
 * The movies columns whose values decide which movies a list holds and in what order: a change
 * of one movie in other columns leaves the list's membership and order as they were.
 */
export function columnsDecidingList(filters: MovieFilters, order: MovieOrder): string[] {
  const filtered = [
    filters.directorId !== undefined && 'director_id',
    filters.genreId !== undefined && 'genre_id',
    filters.year !== undefined && 'year',
    filters.titleContains !== undefined && filters.titleContains !== '' && 'title_key',
    ...(filters.searchWords === undefined
      ? []
      : ['title_key', 'description', 'director_id', 'genre_id']),
  ];
  const ordered = order.map(
    ({ key }) => key !== 'id' && COLUMN_BY_KEY[key].slice('movies.'.length),
  );
  return [...new Set([...filtered, ...ordered].filter((column) => column !== false))];
}

// The pieces both paging modes build their query from.

type Db = Kysely<Database>;
type OrderKey = MovieOrder[number];

/** A movie of a list: its JSON's byte length, its id, and the value of the order's first key. */
export type MovieListEntry = readonly [byteLength: number, id: number, sortKey: CursorValue];

/** Movies as the UTF-8 bytes of one JSON array of their answers, and an entry for each. */
export interface MovieJsonList {
  readonly json: Buffer;
  readonly entries: MovieListEntry[];
}

/** Every value a list query compares or limits with (or slots standing in for them). */
interface ListValues {
  readonly filters: FilterValues;
  readonly limit: number;
  readonly offset: number;
  /** The rows the title index hands over at most (offset + limit on a page). */
  readonly rowsNeeded: number;
  /** Keyset pages: the first key's value (null: among the rows without one) and the id. */
  readonly cursor: { readonly value: CursorValue; readonly id: number } | undefined;
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

export type JsonListQuery = ReturnType<typeof selectJsonList>;
type JsonListRow = { json: Buffer; entries: string };

// The id is not selected twice: SQLite would then not see a page's order and sort it again.
const sortKeyOf = (first: OrderKey) =>
  (first.key === 'id' ? sql`null` : sql.ref(COLUMN_BY_KEY[first.key]))
    .$castTo<CursorValue>()
    .as('sort_key');

interface OrderTerm {
  readonly key: OrderKey['key'];
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

// Offset pages.

function selectPage(eb: Expressions, first: OrderKey) {
  return eb.selectFrom('movies').select(['movies.id', sortKeyOf(first)]);
}

type PageQuery = ReturnType<typeof selectPage>;

/**
 * A page of movies with their answers: the page's ids (and sort key) are picked first, so the
 * answers are built for its rows only, never for the rows a sort or an offset goes through.
 */
function selectPageWithJson(
  db: Db,
  dialect: Dialect,
  order: MovieOrder,
  values: ListValues,
): JsonListQuery {
  const [first] = order;
  if (first === undefined) throw new Error('a movie list needs an order');
  const terms = order.map(({ key, descending }) => ({
    key,
    descending,
    nullsLast: NULLABLE_KEYS.has(key),
  }));
  const { filters, limit, offset, rowsNeeded } = values;
  const page = (eb: Expressions): PageQuery =>
    terms
      .reduce(
        (query, term) => query.orderBy(COLUMN_BY_KEY[term.key], modifiersOf(term)),
        selectPage(eb, first).where((where) =>
          movieFilterCondition(
            where,
            filters,
            idOnlyOrderOf(filters, order, undefined),
            rowsNeeded,
          ),
        ),
      )
      .limit(limit)
      .offset(offset);
  return selectJsonList(db, dialect, (eb) => {
    const listed = eb
      .selectFrom(page(eb).as('page'))
      .innerJoin('movies', 'movies.id', 'page.id')
      .leftJoin('genres', 'genres.id', 'movies.genre_id')
      .leftJoin('directors', 'directors.id', 'movies.director_id')
      .select([movieJson(dialect).as('json'), 'page.id', 'page.sort_key']);
    // The page's own order again: both databases see the rows come in it and do not sort them.
    return terms
      .reduce(
        (ordered, term) =>
          ordered.orderBy(term.key === 'id' ? 'page.id' : 'page.sort_key', modifiersOf(term)),
        listed,
      )
      .as('list');
  });
}

// Keyset pages.

// A keyset page reads its rows in index order and stops at its limit: the answers are built as
// the rows are read.
function selectMoviesWithJson(eb: Expressions, dialect: Dialect, first: OrderKey) {
  return eb
    .selectFrom('movies')
    .leftJoin('genres', 'genres.id', 'movies.genre_id')
    .leftJoin('directors', 'directors.id', 'movies.director_id')
    .select([movieJson(dialect).as('json'), 'movies.id', sortKeyOf(first)]);
}

/** The movies of a keyset page: rows behind the cursor, never the rows before it. */
function selectBehindWithJson(
  db: Db,
  dialect: Dialect,
  order: MovieOrder,
  values: ListValues,
): JsonListQuery {
  const { filters, limit, rowsNeeded, cursor } = values;
  const [first] = order;
  if (first === undefined || cursor === undefined) throw new Error('cursor without an id');
  const direction = first.descending ? 'desc' : 'asc';
  return selectJsonList(db, dialect, (eb) => {
    // Null keys are excluded by the comparison, so the plain order is the order of the index.
    const ordered = selectMoviesWithJson(eb, dialect, first)
      .where((where) =>
        where.and([
          movieFilterCondition(
            where,
            filters,
            idOnlyOrderOf(filters, order, cursor.id),
            rowsNeeded,
          ),
          behindCursor(where, first, cursor.value, cursor.id),
        ]),
      )
      .orderBy(COLUMN_BY_KEY[first.key], direction);
    return (first.key === 'id' ? ordered : ordered.orderBy('movies.id', direction))
      .limit(limit)
      .as('list');
  });
}

/** After the last non-null key come the rows whose key is null, in id order. */
function selectNullKeyedWithJson(
  db: Db,
  dialect: Dialect,
  order: MovieOrder,
  values: ListValues,
): JsonListQuery {
  const { filters, limit, rowsNeeded } = values;
  const [key] = order;
  if (key === undefined) throw new Error('a movie list needs an order');
  return selectJsonList(db, dialect, (eb) =>
    selectMoviesWithJson(eb, dialect, key)
      .where((where) =>
        where.and([
          movieFilterCondition(where, filters, null, rowsNeeded),
          where(COLUMN_BY_KEY[key.key], 'is', null),
        ]),
      )
      .orderBy('movies.id', key.descending ? 'desc' : 'asc')
      .limit(limit)
      .as('list'),
  );
}

// Running a list: one compiled query per shape, its values as parameters.

/** The sort key values of a listed movie, as a cursor behind it holds them. */
export function cursorValuesOf(entry: MovieListEntry, order: MovieOrder): CursorValue[] {
  return order.map(({ key }) => (key === 'id' ? entry[1] : entry[2]));
}

const SELECTS = {
  page: selectPageWithJson,
  behind: selectBehindWithJson,
  nullKeyed: selectNullKeyedWithJson,
};

type ListKind = keyof typeof SELECTS;

const slot = <T>(read: (values: ListValues) => unknown): T => slotOf<ListValues, T>(read);

/** The values as slots: the same query shape, whatever the values. */
function slotsFor(values: ListValues): ListValues {
  const { filters, cursor } = values;
  const { directorId, genreId, year, title, search } = filters;
  const slotIf = <T>(value: T | undefined, read: (values: ListValues) => unknown) =>
    value === undefined ? undefined : slot<T>(read);
  return {
    filters: {
      directorId: slotIf(directorId, (v) => v.filters.directorId),
      genreId: slotIf(genreId, (v) => v.filters.genreId),
      year: slotIf(year, (v) => v.filters.year),
      title: title && {
        like: slot<string>((v) => v.filters.title?.like),
        glob: slotIf(title.glob, (v) => v.filters.title?.glob),
        sqlite: title.sqlite,
      },
      search: search && {
        match: slot<string>((v) => v.filters.search?.match),
        dialect: search.dialect,
      },
    },
    limit: slot<number>((v) => v.limit),
    offset: slot<number>((v) => v.offset),
    rowsNeeded: slot<number>((v) => v.rowsNeeded),
    cursor: cursor && {
      // A null key compares as `is null`: part of the shape, not a parameter.
      value: cursor.value === null ? null : slot<CursorValue>((v) => v.cursor?.value),
      id: slot<number>((v) => v.cursor?.id),
    },
  };
}

/** What decides a list query's SQL: kind, order, the filters given, and a cursor on a null key. */
function shapeOf(kind: ListKind, order: MovieOrder, values: ListValues): string {
  const { filters, cursor } = values;
  const present = [filters.directorId, filters.genreId, filters.year, filters.title?.glob].map(
    (value) => value !== undefined,
  );
  return JSON.stringify([
    kind,
    order,
    present,
    filters.title !== undefined,
    filters.search !== undefined,
    cursor?.value === null,
  ]);
}

const listQueries = new QueryShapes<ListValues, JsonListRow>();

async function readJsonList(
  db: Db,
  dialect: Dialect,
  kind: ListKind,
  order: MovieOrder,
  values: ListValues,
): Promise<MovieJsonList> {
  // A title search stays unnamed: PostgreSQL's generic plan of a named statement cannot see the
  // LIKE pattern, and for a common word at 1M movies it chose a parallel scan ten times slower.
  const query = listQueries.queryFor(
    db,
    shapeOf(kind, order, values),
    values,
    () => SELECTS[kind](db, dialect, order, slotsFor(values)),
    values.filters.title === undefined && values.filters.search === undefined,
  );
  const { rows } = await db.executeQuery(query);
  const [row] = rows;
  if (row === undefined) throw new Error('an aggregate without a row');
  return { json: row.json, entries: JSON.parse(row.entries) as MovieListEntry[] };
}

export interface MovieListWindow {
  readonly offset: number;
  readonly limit: number;
  /** Keyset cursor: the sort key values of the row the list starts behind, id last. */
  readonly after?: readonly CursorValue[];
}

function cursorOf(after: readonly CursorValue[]): { value: CursorValue; id: number } {
  const id = after[after.length - 1];
  if (typeof id !== 'number') throw new Error('cursor without an id');
  return { value: after[0] ?? null, id };
}

export async function listMovies(
  db: Db,
  dialect: Dialect,
  filters: MovieFilters,
  order: MovieOrder,
  window: MovieListWindow,
): Promise<MovieJsonList> {
  const { offset, limit, after } = window;
  const filterValues = filterValuesOf(dialect, filters);
  if (after === undefined) {
    const values = { filters: filterValues, limit, offset, rowsNeeded: offset + limit };
    return readJsonList(db, dialect, 'page', order, { ...values, cursor: undefined });
  }
  const cursor = cursorOf(after);
  const values = { filters: filterValues, limit, offset: 0, rowsNeeded: limit, cursor };
  const behind = await readJsonList(db, dialect, 'behind', order, values);
  const [first] = order;
  const count = behind.entries.length;
  if (count >= limit || first === undefined || !NULLABLE_KEYS.has(first.key)) return behind;
  if (cursor.value === null) return behind;
  const rest = limit - count;
  const nullKeyed = await readJsonList(db, dialect, 'nullKeyed', [first], {
    ...values,
    limit: rest,
    rowsNeeded: rest,
    cursor: undefined,
  });
  return {
    json: joinJsonArrays([behind.json, nullKeyed.json]),
    entries: [...behind.entries, ...nullKeyed.entries],
  };
}

/** The query of an offset page, as listMovies runs it. */
export function selectMoviePage(
  db: Db,
  dialect: Dialect,
  filters: MovieFilters,
  order: MovieOrder,
  offset: number,
  limit: number,
): JsonListQuery {
  const values = { filters: filterValuesOf(dialect, filters), limit, offset };
  return selectPageWithJson(db, dialect, order, {
    ...values,
    rowsNeeded: offset + limit,
    cursor: undefined,
  });
}

/** The query of a keyset page, as listMovies runs it. */
export function selectMoviesBehind(
  db: Db,
  dialect: Dialect,
  filters: MovieFilters,
  order: MovieOrder,
  limit: number,
  after: readonly CursorValue[],
): JsonListQuery {
  const values = { filters: filterValuesOf(dialect, filters), limit, offset: 0, rowsNeeded: limit };
  return selectBehindWithJson(db, dialect, order, { ...values, cursor: cursorOf(after) });
}
