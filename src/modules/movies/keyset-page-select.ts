import type { Dialect } from '../../db/database.js';
import { behindCursor, COLUMN_BY_KEY, idOnlyOrderOf, movieFilterCondition } from './list-query.js';
import type { MovieOrder } from './list-filters.js';
import {
  selectJsonList,
  sortKeyOf,
  type Db,
  type Expressions,
  type JsonListQuery,
  type ListValues,
  type OrderKey,
} from './list-select.js';
import { movieJson } from './movie-json.js';

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
export function selectBehindWithJson(
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
export function selectNullKeyedWithJson(
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
