import type { Dialect } from '../../db/database.js';
import { QueryShapes, slot as slotOf } from '../../db/query-shapes.js';
import { joinJsonArrays } from '../../shared/json-array.js';
import type { CursorValue } from '../../shared/keyset-cursor.js';
import { selectBehindWithJson, selectNullKeyedWithJson } from './keyset-page-select.js';
import type { MovieFilters, MovieOrder } from './list-filters.js';
import { filterValuesOf, NULLABLE_KEYS } from './list-query.js';
import type {
  Db,
  JsonListQuery,
  JsonListRow,
  ListValues,
  MovieJsonList,
  MovieListEntry,
} from './list-select.js';
import { selectPageWithJson } from './offset-page-select.js';

export type { MovieJsonList, MovieListEntry } from './list-select.js';

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
  const { directorId, genreId, year, title } = filters;
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
  const query = listQueries.queryFor(db, shapeOf(kind, order, values), values, () =>
    SELECTS[kind](db, dialect, order, slotsFor(values)),
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
