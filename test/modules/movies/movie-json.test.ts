import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import {
  selectMoviePage,
  type MovieFilters,
  type MovieOrder,
} from '../../../src/modules/movies/repository.js';
import type { Movie } from '../../../src/modules/movies/schemas.js';
import { buildTestApp, onPostgres, signedIn, type TestContext } from '../../helpers.js';
import { linksOf } from '../../links.js';

// Movie reads are JSON written by the database; POST answers and favourites still go through
// JavaScript objects, so they are the reference. With no response cache, every read is a query.
let ctx: TestContext;
let user: Record<string, string>;
let admin: Record<string, string>;

before(async () => {
  ctx = await buildTestApp({ RESPONSE_CACHE_MB: '0' });
  user = (await signedIn(ctx, 'json-reader')).headers;
  admin = (await signedIn(ctx, 'json-admin', 'admin')).headers;
});
after(() => ctx.app.close());

const MOVIE_KEYS = [
  'id',
  'title',
  'description',
  'trailer',
  'year',
  'rating',
  'genre_id',
  'director_id',
  'genre',
  'director',
];

const HOSTILE_TEXT = [
  'Сияние ',
  '«Сияние »',
  'emoji 😀 👍🏽 🏳️‍🌈',
  `quotes " and 'single' and \`back\``,
  'back\\slash \\u0041 \\" \\\\',
  'new\nline\r\ncrlf\r',
  'tab\there\fform\bback',
  'controls \u0001\u0002\u001b\u001f\u007f\u0080\u009f',
  'separators \u2028 and \u2029',
  'bom \ufeff zero-width \u200b',
  '</script><!-- -->',
  'like % and _ and [glob*?]',
  '{"json": [1, 2.50, null]}',
  '  ',
];

async function post<T>(url: string, payload: Record<string, unknown>): Promise<T> {
  const response = await ctx.api.with(admin).post(url, payload);
  assert.equal(response.statusCode, 201, response.body);
  return response.json<T>();
}

const get = (url: string, headers: Record<string, string> = user) => ctx.api.with(headers).get(url);

async function getJson<T>(url: string, headers: Record<string, string> = user): Promise<T> {
  const response = await get(url, headers);
  assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
  return response.json<T>();
}

/** The same value, keys in the same order (deepStrictEqual alone ignores the order). */
function assertSameMovie(actual: unknown, expected: Movie, what: string): void {
  assert.deepStrictEqual(actual, expected, what);
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), `${what}: key order`);
  assert.deepEqual(Object.keys(actual as Movie), MOVIE_KEYS, what);
}

const byId = (movies: readonly Movie[]) => [...movies].sort((a, b) => a.id - b.id);

/** Every page of a list, following its next links. */
async function allPages(url: string): Promise<Movie[]> {
  const movies: Movie[] = [];
  let next: string | undefined = url;
  for (let pages = 0; next !== undefined; pages += 1) {
    assert.ok(pages < 50, 'the pages end');
    const response = await get(next);
    assert.equal(response.statusCode, 200, response.body);
    movies.push(...response.json<Movie[]>());
    next = linksOf(response.headers.link).next;
  }
  return movies;
}

/** Every page of a list by page number. */
async function allPagesByNumber(url: string, perPage: number, total: number): Promise<Movie[]> {
  const movies: Movie[] = [];
  for (let page = 1; (page - 1) * perPage < total; page += 1) {
    movies.push(...(await getJson<Movie[]>(`${url}&page=${page}&per_page=${perPage}`)));
  }
  return movies;
}

/** The movies as the favourites list answers them: through JavaScript objects. */
async function favouritesOf(ids: readonly number[]): Promise<Movie[]> {
  for (const id of ids) {
    const added = await ctx.api.with(user).post(`/favorites/movies/${id}/`);
    assert.equal(added.statusCode, 204, added.body);
  }
  const wanted = new Set(ids);
  return (await getJson<Movie[]>('/favorites/movies/')).filter((movie) => wanted.has(movie.id));
}

describe('Movie answers written by the database', () => {
  it('When strings hold any character a client may send, then list and item give back exactly what was sent', async () => {
    const genreName = `Жанр ${HOSTILE_TEXT.slice(0, 9).join('|')}`;
    const directorName = `Режиссёр ${HOSTILE_TEXT.slice(2).join('|')}`;
    const genre = await post<{ id: number }>('/genres/', { name: genreName });
    const director = await post<{ id: number }>('/directors/', { name: directorName });
    const created: Movie[] = [];
    for (const [index, title] of HOSTILE_TEXT.entries()) {
      const sent = {
        title,
        description: HOSTILE_TEXT.join('\n'),
        trailer: `https://пример.рф/трейлер?q="«${index}»"&e=😀\\`,
        year: 1900 + index,
        rating: index / 3,
        genre_id: genre.id,
        director_id: director.id,
      };
      const movie = await post<Movie>('/movies/', sent);
      assert.deepStrictEqual(movie, {
        id: movie.id,
        ...sent,
        genre: { id: genre.id, name: genreName },
        director: { id: director.id, name: directorName },
      });
      created.push(movie);
      assertSameMovie(await getJson(`/movies/${movie.id}`), movie, `item: ${title}`);
    }
    const listed = await getJson<Movie[]>(`/movies/?director_id=${director.id}`);
    assert.equal(listed.length, created.length);
    listed.forEach((movie, index) => assertSameMovie(movie, created[index] as Movie, 'list'));
    // Cursor pages by title: the cursors carry these titles' sort keys.
    for (const sort of ['title', '-title']) {
      const paged = await allPages(`/movies/?director_id=${director.id}&sort=${sort}&per_page=3`);
      assert.deepStrictEqual(byId(paged), created, `sort=${sort}: each movie once`);
    }
  });

  it('When ratings are doubles that print awkwardly, then each comes back as the same double', async () => {
    const director = await post<{ id: number }>('/directors/', { name: 'Rating printer' });
    const ratings = [
      0,
      0.1,
      0.3,
      1 / 3,
      2 / 3,
      7,
      9.9999999999999982,
      9.95,
      8.6,
      10,
      1e-7,
      5e-324,
      2.2250738585072014e-308,
      Math.PI,
    ];
    const created: Movie[] = [];
    for (const rating of ratings) {
      const movie = await post<Movie>('/movies/', {
        title: `Rating ${rating}`,
        rating,
        director_id: director.id,
      });
      assert.ok(Object.is(movie.rating, rating), `POST ${rating}`);
      created.push(movie);
    }
    const listed = await getJson<Movie[]>(`/movies/?director_id=${director.id}`);
    listed.forEach((movie, index) => assertSameMovie(movie, created[index] as Movie, 'list'));
    for (const movie of created) {
      assertSameMovie(await getJson(`/movies/${movie.id}`), movie, `item ${movie.rating}`);
    }
    const best = await allPages(`/movies/?director_id=${director.id}&sort=-rating&per_page=4`);
    assert.deepStrictEqual(
      best.map((movie) => movie.rating),
      [...ratings].sort((a, b) => b - a),
    );
  });

  it('When a rating of -0 was written behind the service, then it answers 0 as the object path does', async () => {
    const movie = await post<Movie>('/movies/', { title: 'Minus zero', rating: 0 });
    // Drivers send -0 as 0; SQL negation stores a real -0 on PostgreSQL (SQLite keeps 0).
    await sql`update movies set rating = -rating where id = ${movie.id}`.execute(ctx.db);
    const [favourite] = await favouritesOf([movie.id]);
    assert.ok(Object.is(favourite?.rating, 0), 'the object path (JSON.stringify) writes 0');
    const item = await getJson<Movie>(`/movies/${movie.id}`);
    assert.ok(Object.is(item.rating, 0), 'item: 0, not -0');
    assertSameMovie(item, movie, 'item');
    const [listed] = await getJson<Movie[]>(`/movies/?q=${encodeURIComponent('Minus zero')}`);
    assertSameMovie(listed, movie, 'list');
  });

  it('When a movie has no year, rating, genre or director, then those are null', async () => {
    const movie = await post<Movie>('/movies/', { title: 'Nothing known' });
    assert.deepStrictEqual(movie, {
      id: movie.id,
      title: 'Nothing known',
      description: '',
      trailer: '',
      year: null,
      rating: null,
      genre_id: null,
      director_id: null,
      genre: null,
      director: null,
    });
    assertSameMovie(await getJson(`/movies/${movie.id}`), movie, 'item');
    const [listed] = await getJson<Movie[]>(`/movies/?q=${encodeURIComponent('Nothing known')}`);
    assertSameMovie(listed, movie, 'list');
  });

  it('When nothing matches, then the list is an empty array', async () => {
    for (const url of ['/movies/?q=no%20such%20title', '/movies/?page=99&per_page=10']) {
      const response = await get(url);
      assert.equal(response.statusCode, 200);
      assert.equal(response.body, '[]', url);
      assertJsonAnswer(response, url);
    }
  });

  it('When any list or item is read, then it is the movies of the object path, and the same bytes twice', async () => {
    const ids = (await allPages('/movies/?per_page=100')).map((movie) => movie.id);
    const favourites = await favouritesOf(ids);
    const reference = new Map(favourites.map((movie) => [movie.id, movie]));
    assert.ok(reference.size >= 20, 'the demo catalog and more');

    const counted = { ...user, prefer: 'count=exact' };
    const urls: [string, Record<string, string>][] = [
      ['/movies/', user],
      ['/movies/?genre_id=17', user],
      ['/movies/?director_id=2&year=2019', user],
      ['/movies/?q=%D0%BD%D0%B8', user],
      ['/movies/?q=%D1%81%D0%B8%D1%8F%D0%BD%D0%B8%D0%B5', user],
      ['/movies/?sort=-rating&per_page=5', counted],
      ['/movies/?sort=year&page=2&per_page=3', user],
      ['/movies/?status=new&page=3&per_page=4', counted],
      ['/movies/?sort=title&per_page=7', user],
      ...[...reference.keys()].map((id): [string, Record<string, string>] => [
        `/movies/${id}`,
        user,
      ]),
    ];
    const next = linksOf((await get('/movies/?sort=title&per_page=7')).headers.link).next;
    assert.ok(next !== undefined);
    urls.push([next, user]);

    let items = 0;
    for (const [url, headers] of urls) {
      const first = await get(url, headers);
      const second = await get(url, headers);
      assert.equal(first.statusCode, 200, `${url}: ${first.body}`);
      assertJsonAnswer(first, url);
      assert.ok(first.rawPayload.equals(second.rawPayload), `${url}: the same bytes`);
      const body = first.json<Movie | Movie[]>();
      for (const movie of Array.isArray(body) ? body : [body]) {
        assertSameMovie(movie, reference.get(movie.id) as Movie, `${url}: movie ${movie.id}`);
        items += 1;
      }
    }
    assert.ok(items > urls.length, `${items} movies compared`);
  });
});

/** The plan of an offset page's query, as the list runs it. */
async function pagePlanOf(
  filters: MovieFilters,
  order: MovieOrder,
  offset: number,
  limit: number,
): Promise<string[]> {
  const dialect = onPostgres ? 'postgres' : 'sqlite';
  const compiled = selectMoviePage(ctx.db, dialect, filters, order, offset, limit).compile();
  const explain = onPostgres ? 'explain (verbose, costs off)' : 'explain query plan';
  const { rows } = await ctx.db.executeQuery<Record<string, unknown>>({
    ...compiled,
    sql: `${explain} ${compiled.sql}`,
  });
  return rows.map((row) => String(row.detail ?? row['QUERY PLAN']));
}

describe('The movie list query', () => {
  it('When lists of one shape are read with other values, then each has its own rows', async () => {
    const ids = (await allPages('/movies/?per_page=100')).map((movie) => movie.id);
    const reference = byId(await favouritesOf(ids));
    const genres = [...new Set(reference.map((movie) => movie.genre_id))];
    assert.ok(genres.length > 3);
    for (const genre of genres) {
      if (genre === null) continue;
      const listed = await getJson<Movie[]>(`/movies/?genre_id=${genre}&sort=-id`);
      const expected = reference.filter((movie) => movie.genre_id === genre).reverse();
      assert.deepStrictEqual(listed, expected, `genre ${genre}`);
    }
    for (const perPage of [1, 2, 3, 5, 8]) {
      const walked = await allPages(`/movies/?sort=-year&per_page=${perPage}`);
      const byOffset = await allPagesByNumber(`/movies/?sort=-year`, perPage, walked.length);
      assert.deepStrictEqual(walked, byOffset, `per_page=${perPage}`);
      assert.deepStrictEqual(byId(walked), reference, `per_page=${perPage}: every movie once`);
    }
  });

  it('When a page must be sorted or skips rows, then JSON is built for the page rows only', async () => {
    const asc = (key: MovieOrder[number]['key']) => ({ key, descending: false });
    const desc = (key: MovieOrder[number]['key']) => ({ key, descending: true });
    const cases: [MovieFilters, MovieOrder, number, number][] = [
      [{ genreId: 17 }, [asc('title'), asc('id')], 0, 3],
      [{ titleContains: 'ни' }, [desc('rating'), desc('id')], 3, 4],
      [{ directorId: 2 }, [asc('id')], 1, 2],
    ];
    for (const [filters, order, offset, limit] of cases) {
      const plan = await pagePlanOf(filters, order, offset, limit);
      const text = `${JSON.stringify(filters)}:\n${plan.join('\n')}`;
      if (onPostgres) {
        // Every node at or below the Limit outputs ids and keys, not the answers' JSON.
        const limit = plan.findIndex((line) => /\bLimit\b/.test(line));
        assert.ok(limit > 0, text);
        assert.ok(
          plan.slice(0, limit).some((line) => line.includes('json_build_object')),
          text,
        );
        assert.ok(!plan.slice(limit).some((line) => line.includes('json_build_object')), text);
      } else {
        // The page (a co-routine) is sorted and cut before the JSON query reads it, unsorted.
        const pageRead = plan.findIndex((line) => /^SCAN page\b/.test(line));
        assert.ok(plan.includes('CO-ROUTINE page') && pageRead > 0, text);
        assert.ok(!plan.slice(pageRead).some((line) => /TEMP B-TREE/.test(line)), text);
      }
    }
  });
});

function assertJsonAnswer(response: LightMyRequestResponse, url: string): void {
  assert.equal(response.headers['content-type'], 'application/json; charset=utf-8', url);
  assert.equal(Number(response.headers['content-length']), response.rawPayload.length, url);
}

describe('Movie answers in the response cache', () => {
  it('When a movie list or item is kept, then the kept body is the answer, in memory of its own', async () => {
    const cached = await buildTestApp();
    try {
      const cache = cached.app.catalogCache;
      assert.ok(cache, 'the cache is on');
      const kept: Buffer[] = [];
      const store = cache.store.bind(cache);
      cache.store = (key, generation, response, reads) => {
        kept.push(response.body);
        store(key, generation, response, reads);
      };
      const reader = (await signedIn(cached, 'json-cache-reader')).headers;
      for (const url of ['/movies/', '/movies/?sort=title&per_page=2', '/movies/15']) {
        const read = () => cached.api.with(reader).get(url);
        const first = await read();
        assert.equal(first.statusCode, 200, first.body);
        const body = kept.pop();
        assert.ok(body !== undefined, `${url} is kept`);
        assert.ok(body.equals(first.rawPayload), `${url}: the answer's bytes`);
        // A slice of a shared pool slab would keep the whole slab alive as long as the entry.
        assert.equal(body.byteLength, body.buffer.byteLength, `${url}: memory of its own`);
        const hits: number = cache.stats.hits;
        const second = await read();
        assert.equal(cache.stats.hits, hits + 1, `${url}: answered from the cache`);
        assert.ok(second.rawPayload.equals(first.rawPayload), `${url}: the same bytes`);
        assertJsonAnswer(second, url);
      }
      assert.equal(kept.length, 0, 'each answer kept once');
    } finally {
      await cached.app.close();
    }
  });
});
