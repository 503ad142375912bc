import type { Dialect } from '../../db/database.js';
import { COLUMN_BY_KEY, idOnlyOrderOf, movieFilterCondition, NULLABLE_KEYS } from './list-query.js';
import type { MovieOrder } from './list-filters.js';
import {
  modifiersOf,
  selectJsonList,
  sortKeyOf,
  type Db,
  type Expressions,
  type JsonListQuery,
  type ListValues,
  type OrderKey,
} from './list-select.js';
import { movieJson } from './movie-json.js';

function selectPage(eb: Expressions, first: OrderKey) {
  return eb.selectFrom('movies').select(['movies.id', sortKeyOf(first)]);
}

type PageQuery = ReturnType<typeof selectPage>;

/**
 * A page of movies with their answers: the page's ids (and sort key) are picked first, so the
 * answers are built for its rows only, never for the rows a sort or an offset goes through.
 */
export function selectPageWithJson(
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
