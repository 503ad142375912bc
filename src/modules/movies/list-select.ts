import {
  sql,
  type AliasedSelectQueryBuilder,
  type ExpressionBuilder,
  type Kysely,
  type OrderByModifiers,
} from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { CursorValue } from '../../shared/keyset-cursor.js';
import type { MovieOrder } from './list-filters.js';
import { COLUMN_BY_KEY, type FilterValues } from './list-query.js';
import { movieJsonArray } from './movie-json.js';

// The pieces every movie list query is built from: offset pages and keyset pages alike.

export type Db = Kysely<Database>;
export type OrderKey = MovieOrder[number];

/** A movie of a list: its JSON's byte length, its id, and the value of the order's first key. */
export type MovieListEntry = readonly [byteLength: number, id: number, sortKey: CursorValue];

/** Movies as the UTF-8 bytes of one JSON array of their answers, and an entry for each. */
export interface MovieJsonList {
  readonly json: Buffer;
  readonly entries: MovieListEntry[];
}

/** Every value a list query compares or limits with (or slots standing in for them). */
export interface ListValues {
  readonly filters: FilterValues;
  readonly limit: number;
  readonly offset: number;
  /** The rows the title index hands over at most (offset + limit on a page). */
  readonly rowsNeeded: number;
  /** Keyset pages: the first key's value (null: among the rows without one) and the id. */
  readonly cursor: { readonly value: CursorValue; readonly id: number } | undefined;
}

export type Expressions = ExpressionBuilder<Database, never>;

/** Movies with their answers, in list order: the subquery `list` that movieJsonArray reads. */
export type ListQuery = AliasedSelectQueryBuilder<
  { json: string; id: number; sort_key: CursorValue },
  'list'
>;

export function selectJsonList(db: Db, dialect: Dialect, list: (eb: Expressions) => ListQuery) {
  const { json, entries } = movieJsonArray(dialect);
  return db.selectFrom(list).select([json.as('json'), entries.as('entries')]);
}

export type JsonListQuery = ReturnType<typeof selectJsonList>;
export type JsonListRow = { json: Buffer; entries: string };

// The id is not selected twice: SQLite would then not see a page's order and sort it again.
export const sortKeyOf = (first: OrderKey) =>
  (first.key === 'id' ? sql`null` : sql.ref(COLUMN_BY_KEY[first.key]))
    .$castTo<CursorValue>()
    .as('sort_key');

export interface OrderTerm {
  readonly key: OrderKey['key'];
  readonly descending: boolean;
  /** Only year and rating can be null; plain order on the others lets every index serve it. */
  readonly nullsLast: boolean;
}

export const modifiersOf = ({ descending, nullsLast }: OrderTerm): OrderByModifiers =>
  nullsLast
    ? (item) => (descending ? item.desc() : item.asc()).nullsLast()
    : descending
      ? 'desc'
      : 'asc';
