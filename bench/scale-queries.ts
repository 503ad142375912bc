import type { Kysely } from 'kysely';
import type { Dialect } from '../src/db/database.js';
import type { Database } from '../src/db/schema.js';
import {
  findMovieJsonById,
  listMovies,
  type MovieFilters,
  type MovieOrder,
} from '../src/modules/movies/repository.js';
import { encodeCursor, type CursorValue } from '../src/shared/keyset-cursor.js';
import { TITLE_WORDS } from './generate-movies.js';

export interface ScaleQuery {
  readonly name: string;
  /** A URL for the HTTP measurement; random parts vary per request so the cache rarely helps. */
  readonly url: (random: () => number) => string;
  /** Runs one such query through the repository, so its SQL can be captured and explained. */
  readonly run: (db: Kysely<Database>, dialect: Dialect) => Promise<unknown>;
}

const pick = <T>(items: readonly T[], random: () => number): T =>
  items[Math.floor(random() * items.length)] as T;
const between = (low: number, high: number, random: () => number) =>
  low + Math.floor(random() * (high - low + 1));
const byId: MovieOrder = [{ key: 'id', descending: false }];
const list =
  (filters: MovieFilters, order: MovieOrder, offset: number, limit: number) =>
  (db: Kysely<Database>, dialect: Dialect) =>
    listMovies(db, dialect, filters, order, { offset, limit });

const newest: MovieOrder = [
  { key: 'year', descending: true },
  { key: 'id', descending: true },
];
const best: MovieOrder = [
  { key: 'rating', descending: true },
  { key: 'id', descending: true },
];
const byTitle: MovieOrder = [
  { key: 'title', descending: false },
  { key: 'id', descending: false },
];
/** The after= value a next link of this order would carry, for a row with these values. */
const cursor = (order: MovieOrder, values: CursorValue[]) =>
  encodeCursor(
    // Only the names go into a cursor; the kinds matter when one is read back.
    order.map(({ key, descending }) => ({ name: descending ? `-${key}` : key, kind: 'text' })),
    values,
  );
const cursorList =
  (filters: MovieFilters, order: MovieOrder, after: CursorValue[], limit: number) =>
  (db: Kysely<Database>, dialect: Dialect) =>
    listMovies(db, dialect, filters, order, { offset: 0, limit, after });

export const SCALE_QUERIES: ScaleQuery[] = [
  {
    name: 'genre + year, page 1-5 of 12',
    url: (r) =>
      `/movies/?genre_id=${between(1, 18, r)}&year=${between(1900, 2023, r)}&page=${between(1, 5, r)}&per_page=12`,
    run: list({ genreId: 4, year: 2010 }, byId, 48, 13),
  },
  {
    name: 'director, page 1-50 of 20',
    url: (r) => `/movies/?director_id=${between(1, 20, r)}&page=${between(1, 50, r)}&per_page=20`,
    run: list({ directorId: 7 }, byId, 980, 21),
  },
  {
    name: 'status=new, page 1-50 of 20',
    url: (r) => `/movies/?status=new&page=${between(1, 50, r)}&per_page=20`,
    run: list(
      {},
      [
        { key: 'year', descending: true },
        { key: 'id', descending: true },
      ],
      980,
      21,
    ),
  },
  {
    name: 'genre by rating, page 1-10',
    url: (r) => `/movies/?genre_id=${between(1, 18, r)}&sort=-rating&page=${between(1, 10, r)}`,
    run: list(
      { genreId: 5 },
      [
        { key: 'rating', descending: true },
        { key: 'id', descending: true },
      ],
      108,
      13,
    ),
  },
  {
    name: 'q, a rare word (6 hex chars)',
    url: (r) => `/movies/?q=${between(0x100000, 0xffffff, r).toString(16)}`,
    run: list({ titleContains: 'a1b2c3' }, byId, 0, 1001),
  },
  {
    name: 'q, a common word, per_page=12',
    url: (r) =>
      `/movies/?q=${encodeURIComponent(pick(TITLE_WORDS, r))}&page=${between(1, 5, r)}&per_page=12`,
    run: list({ titleContains: 'звезда' }, byId, 48, 13),
  },
  {
    name: 'genre by rating, a deep page by cursor',
    url: (r) =>
      `/movies/?genre_id=${between(1, 18, r)}&sort=-rating&per_page=12&after=${cursor(best, [between(0, 100, r) / 10, between(1, 1_000_000, r)])}`,
    run: cursorList({ genreId: 5 }, best, [4.2, 500_000], 13),
  },
  {
    name: 'by rating, the unrated tail by cursor',
    url: (r) =>
      `/movies/?sort=-rating&per_page=20&after=${cursor(best, [null, between(1, 1_000_000, r)])}`,
    run: cursorList({}, best, [null, 500_000], 21),
  },
  {
    name: 'status=new, a deep page by cursor',
    url: (r) =>
      `/movies/?status=new&per_page=20&after=${cursor(newest, [between(1900, 2023, r), between(1, 1_000_000, r)])}`,
    run: cursorList({}, newest, [1950, 500_000], 21),
  },
  {
    name: 'by title, a deep page by cursor',
    url: (r) =>
      `/movies/?sort=title&per_page=20&after=${cursor(byTitle, [`фильм ${between(1, 999_999, r)}`, between(1, 1_000_000, r)])}`,
    run: cursorList({}, byTitle, ['фильм 500000', 500_000], 21),
  },
  {
    name: 'GET /movies/<id>',
    url: (r) => `/movies/${between(1, 1_000_000, r)}`,
    run: (db, dialect) => findMovieJsonById(db, dialect, 123_456),
  },
];
