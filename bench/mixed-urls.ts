// About 5,000 distinct valid catalog URLs: the few everyone asks for first, then a shuffled mix of
// filters, sorts and pages.
import type { CatalogSample } from './catalog-sample.js';
import { seededRandom, shuffled } from './random.js';

const SORTS = ['', 'id', '-id', 'year', '-year', 'rating', '-rating', 'title', '-title'];
const PER_PAGE = Array.from({ length: 100 }, (_, i) => i + 1);

const withSort = (query: string, sort: string) =>
  sort === '' ? query : `${query}${query.includes('?') ? '&' : '?'}sort=${sort}`;

export function mixedUrls(sample: CatalogSample, count = 5000): string[] {
  const { movieIds, genreIds, directorIds, titleWords } = sample;
  const headline = [
    '/movies/',
    '/genres/',
    '/directors/',
    '/movies/?status=new',
    ...movieIds.map((id) => `/movies/${id}`),
  ];
  const pagesOf = (perPage: number) => Math.max(1, Math.ceil(movieIds.length / perPage));
  const rest = [
    ...genreIds.map((id) => `/genres/${id}`),
    ...directorIds.map((id) => `/directors/${id}`),
    ...SORTS.flatMap((sort) => [
      ...genreIds.map((id) => withSort(`/movies/?genre_id=${id}`, sort)),
      ...directorIds.map((id) => withSort(`/movies/?director_id=${id}`, sort)),
      ...titleWords.map((word) => withSort(`/movies/?q=${encodeURIComponent(word)}`, sort)),
      ...PER_PAGE.flatMap((perPage) =>
        Array.from({ length: pagesOf(perPage) }, (_, page) =>
          withSort(`/movies/?page=${page + 1}&per_page=${perPage}`, sort),
        ),
      ),
    ]),
    ...PER_PAGE.flatMap((perPage) => [
      ...genreIds.map((id) => `/movies/?genre_id=${id}&per_page=${perPage}`),
      ...directorIds.map((id) => `/movies/?director_id=${id}&per_page=${perPage}`),
    ]),
  ];
  const unique = [...new Set([...headline, ...shuffled(rest, seededRandom(7))])];
  return unique.slice(0, count);
}
