/** What a movie list asks for, as the routes translate it from the query string. */
export interface MovieFilters {
  directorId?: number;
  genreId?: number;
  year?: number;
  titleContains?: string;
}

export type MovieOrder = { key: 'id' | 'year' | 'rating' | 'title'; descending: boolean }[];
