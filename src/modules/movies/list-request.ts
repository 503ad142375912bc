import type { MovieListQuery } from './schemas.js';

/** What a movie list asks for, as the routes translate it from the query string. */
export interface MovieFilters {
  directorId?: number;
  genreId?: number;
  year?: number;
  titleContains?: string;
}

export type MovieOrder = { key: 'id' | 'year' | 'rating' | 'title'; descending: boolean }[];

/** A movie list's query string as the service takes it: the filters and the order. */
export interface MovieListParams {
  readonly filters: MovieFilters;
  readonly order: MovieOrder;
}

// Every order ends with the id, so that equal keys still have one order a cursor can resume.
function orderOf(query: MovieListQuery): MovieOrder {
  if (query.sort !== undefined) {
    const descending = query.sort.startsWith('-');
    const key = (descending ? query.sort.slice(1) : query.sort) as MovieOrder[number]['key'];
    return key === 'id'
      ? [{ key, descending }]
      : [
          { key, descending },
          { key: 'id', descending },
        ];
  }
  if (query.status === 'new') {
    return [
      { key: 'year', descending: true },
      { key: 'id', descending: true },
    ];
  }
  return [{ key: 'id', descending: false }];
}

export function movieListParamsOf(query: MovieListQuery): MovieListParams {
  return {
    filters: {
      directorId: query.director_id,
      genreId: query.genre_id,
      year: query.year,
      titleContains: query.q,
    },
    order: orderOf(query),
  };
}
