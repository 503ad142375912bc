import { validationError } from '../../errors.js';
import { MAX_SEARCH_WORDS, searchWordsOf } from '../../shared/search-words.js';
import type { MovieListQuery } from './schemas.js';

/** What a movie list asks for, as the routes translate it from the query string. */
export interface MovieFilters {
  directorId?: number;
  genreId?: number;
  year?: number;
  titleContains?: string;
  /** The words of `search`, folded as the search index holds words. */
  searchWords?: readonly string[];
  /** `search` as a condition of the search index: set by the service from the words. */
  searchMatch?: string;
}

export type MovieOrder = { key: 'id' | 'year' | 'rating' | 'title'; descending: boolean }[];

/** A movie list's query string as the service takes it: the filters and the order. */
export interface MovieListParams {
  readonly filters: MovieFilters;
  readonly order: MovieOrder;
  /** A search without `sort` or `status`: best matches first, then by id. */
  readonly byRelevance: boolean;
}

function searchWordsIn(search: string | undefined): readonly string[] | undefined {
  if (search === undefined) return undefined;
  const words = searchWordsOf(search);
  if (words.length === 0) throw validationError({ search: 'must hold a letter or a digit' });
  if (words.length > MAX_SEARCH_WORDS) {
    throw validationError({ search: `may hold at most ${MAX_SEARCH_WORDS} words` });
  }
  return words;
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
  const searchWords = searchWordsIn(query.search);
  return {
    filters: {
      directorId: query.director_id,
      genreId: query.genre_id,
      year: query.year,
      titleContains: query.q,
      searchWords,
    },
    order: orderOf(query),
    byRelevance:
      searchWords !== undefined && query.sort === undefined && query.status === undefined,
  };
}
