import type { Kysely } from 'kysely';
import { isForeignKeyViolation } from '../../db/errors.js';
import type { Dialect } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { MovieChange, MovieScope } from '../../shared/catalog-resources.js';
import { notFound, validationError, type FieldErrors } from '../../errors.js';
import { toPage, type ListOptions, type PageInfo, type PageWindow } from '../../shared/paging.js';
import { findNamedById } from '../named-resources/repository.js';
import { assertBodyIdMatches } from '../../shared/body-id.js';
import {
  decodeCursor,
  encodeCursor,
  type CursorKey,
  type CursorValueKind,
} from '../../shared/keyset-cursor.js';
import { isHttpUrl } from '../../shared/http-url.js';
import { jsonArrayHead } from '../../shared/json-array.js';
import * as repo from './repository.js';
import { Search } from './search-plan.js';
import { moviesJsonByIds, searchIds } from './search-list.js';
import type { Movie, MovieCreate, MoviePatch, MovieReplace } from './schemas.js';

type MovieInput = Partial<repo.MovieFields>;

/** A page of movies as the answer's bytes: a JSON array of Movie. */
export interface MovieJsonPage extends PageInfo {
  readonly json: Buffer;
  /** The movies on the page and the columns that decide which movies it shows, in what order. */
  readonly scope: MovieScope;
}

const CURSOR_KIND_BY_KEY: Record<repo.MovieOrder[number]['key'], CursorValueKind> = {
  id: 'id',
  year: 'integer-or-null',
  rating: 'number-or-null',
  title: 'text',
};

// A search in relevance order pages by position: its cursor holds the rows read so far.
const SEARCH_CURSOR: CursorKey[] = [{ name: 'search', kind: 'id' }];
/** Rows of a search answer a page may reach, as search engines bound deep paging. */
export const SEARCH_WINDOW = 10_000;
/** Reads of a search page while movies on it are deleted meanwhile. */
const SEARCH_READS = 3;

const cursorKeysOf = (order: repo.MovieOrder): CursorKey[] =>
  order.map(({ key, descending }) => ({
    name: descending ? `-${key}` : key,
    kind: CURSOR_KIND_BY_KEY[key],
  }));

// Only the fields a client sent; genre/director objects and id are read-only echoes.
function fieldsOf(input: MovieCreate | MovieReplace | MoviePatch): MovieInput {
  const { title, description, trailer, year, rating, genre_id, director_id } = input;
  const fields: MovieInput = { title, description, trailer, year, rating, genre_id, director_id };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function withDefaults(input: MovieCreate | MovieReplace): repo.MovieFields {
  return {
    title: input.title,
    description: input.description ?? '',
    trailer: input.trailer ?? '',
    year: input.year ?? null,
    rating: input.rating ?? null,
    genre_id: input.genre_id ?? null,
    director_id: input.director_id ?? null,
  };
}

export function createMovieService(db: Kysely<Database>, dialect: Dialect) {
  async function assertValid(fields: MovieInput): Promise<void> {
    const errors: FieldErrors = {};
    if (fields.trailer && !isHttpUrl(fields.trailer))
      errors.trailer = 'must be an http(s) URL or empty';
    if (fields.genre_id != null && !(await findNamedById(db, 'genres', fields.genre_id))) {
      errors.genre_id = `genre ${fields.genre_id} does not exist`;
    }
    if (fields.director_id != null && !(await findNamedById(db, 'directors', fields.director_id))) {
      errors.director_id = `director ${fields.director_id} does not exist`;
    }
    if (Object.keys(errors).length > 0) throw validationError(errors);
  }

  // A genre or director deleted between the check and the write.
  async function translateRaces<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw validationError({
          genre_id: 'must name an existing genre',
          director_id: 'must name an existing director',
        });
      }
      throw error;
    }
  }

  async function update(id: number, fields: MovieInput): Promise<MovieChange | null> {
    await assertValid(fields);
    if (!(await repo.movieExists(db, id))) throw notFound('Movie');
    return translateRaces(() => repo.updateMovie(db, id, fields));
  }

  /** A window of the list in its order, one row more than the page, and the next cursor. */
  async function readInOrder(
    filters: repo.MovieFilters,
    order: repo.MovieOrder,
    window: PageWindow,
  ) {
    const keys = cursorKeysOf(order);
    const after = window.after === undefined ? undefined : decodeCursor(window.after, keys);
    const list = await repo.listMovies(db, dialect, filters, order, {
      offset: window.offset,
      limit: window.limit + 1,
      after,
    });
    const cursorOf = (last: repo.MovieListEntry) =>
      encodeCursor(keys, repo.cursorValuesOf(last, order));
    return { list, cursorOf };
  }

  /** The same for a search in relevance order, paged by position. */
  async function readByRelevance(search: Search, filters: repo.MovieFilters, window: PageWindow) {
    const start =
      window.after === undefined
        ? window.offset
        : Number(decodeCursor(window.after, SEARCH_CURSOR)[0]);
    if (start + window.limit > SEARCH_WINDOW) {
      throw validationError({
        page: `a search answer can be paged through its first ${SEARCH_WINDOW} rows; narrow the search`,
      });
    }
    // A movie deleted between the two reads leaves the page short, and without its next link
    // when the page was full: read both again (as often as a writer keeps deleting, up to 3).
    const read = async () => {
      const ids = await searchIds(db, dialect, search, filters, start, window.limit + 1);
      return { ids, list: await moviesJsonByIds(db, dialect, ids) };
    };
    let { ids, list } = await read();
    for (let reads = 1; reads < SEARCH_READS && list.entries.length < ids.length; reads += 1) {
      ({ ids, list } = await read());
    }
    return { list, cursorOf: () => encodeCursor(SEARCH_CURSOR, [start + window.limit]) };
  }

  return {
    answerReads: repo.MOVIE_ANSWER_READS,

    async list(
      requested: repo.MovieFilters,
      order: repo.MovieOrder,
      window: PageWindow,
      options: ListOptions,
      byRelevance = false,
    ): Promise<MovieJsonPage> {
      const words = requested.searchWords;
      const search = words === undefined ? undefined : new Search(db, dialect, words);
      // The whole search as one condition: for a count, or for the matches in another order.
      const needsAll = search !== undefined && (options.count || !byRelevance);
      const filters = needsAll
        ? { ...requested, searchMatch: (await search.plan()).all }
        : requested;
      const total = options.count ? await repo.countMovies(db, dialect, filters) : undefined;
      const { list, cursorOf } =
        search !== undefined && byRelevance
          ? await readByRelevance(search, filters, window)
          : await readInOrder(filters, order, window);
      const { items, ...page } = toPage(list.entries, window, cursorOf, total);
      const lengths = list.entries.map(([byteLength]) => byteLength);
      const scope = {
        ids: items.map(([, id]) => id),
        columns: repo.columnsDecidingList(filters, order),
      };
      return { ...page, scope, json: jsonArrayHead(list.json, lengths, items.length) };
    },

    /** The movie's answer as JSON bytes. */
    async get(id: number): Promise<Buffer> {
      const json = await repo.findMovieJsonById(db, dialect, id);
      if (json === undefined) throw notFound('Movie');
      return json;
    },

    async create(input: MovieCreate): Promise<Movie> {
      const fields = withDefaults(input);
      await assertValid(fields);
      const id = await translateRaces(() => repo.insertMovie(db, fields));
      const movie = await repo.findMovieById(db, id);
      if (!movie) throw notFound('Movie');
      return movie;
    },

    async replace(id: number, input: MovieReplace): Promise<MovieChange | null> {
      assertBodyIdMatches(input.id, id);
      return update(id, withDefaults(input));
    },

    async patch(id: number, input: MoviePatch): Promise<MovieChange | null> {
      assertBodyIdMatches(input.id, id);
      return update(id, fieldsOf(input));
    },

    async remove(id: number): Promise<void> {
      if (!(await repo.deleteMovie(db, id))) throw notFound('Movie');
    },
  };
}

export type MovieService = ReturnType<typeof createMovieService>;
