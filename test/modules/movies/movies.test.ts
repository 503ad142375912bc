import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Movie } from '../../../src/modules/movies/schemas.js';
import { buildTestApp, errorBody, signedIn, type TestContext } from '../../helpers.js';
import { linksOf, nextLinkShape } from '../../links.js';

type MovieBody = Movie;

let ctx: TestContext;
let user: Record<string, string>;
let admin: Record<string, string>;

before(async () => {
  ctx = await buildTestApp();
  user = (await signedIn(ctx, 'movie-reader')).headers;
  admin = (await signedIn(ctx, 'movie-admin', 'admin')).headers;
});
after(() => ctx.app.close());

const get = (url: string, headers = user) => ctx.api.with(headers).get(url);
const ids = (movies: MovieBody[]) => movies.map((movie) => movie.id);

async function createMovie(payload: Record<string, unknown>): Promise<MovieBody> {
  const response = await ctx.api.with(admin).post('/movies/', payload);
  assert.equal(response.statusCode, 201, response.body);
  return response.json<MovieBody>();
}

describe('GET /movies/', () => {
  it('When no token is sent, then 401 with a Bearer challenge', async () => {
    const response = await ctx.api.get('/movies/');
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['www-authenticate'], 'Bearer');
    assert.equal(errorBody(response).code, 'unauthorized');
  });

  it('When a user lists the demo catalog, then all 20 movies come in id order with nested genre and director', async () => {
    const response = await get('/movies/');
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/json; charset=utf-8/);
    const movies = response.json<MovieBody[]>();
    assert.equal(movies.length, 20);
    assert.deepEqual(
      ids(movies),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    assert.deepEqual(movies[0], {
      id: 1,
      title: 'Йеллоустоун',
      description:
        'Владелец ранчо пытается сохранить землю своих предков. Кевин Костнер в неовестерне от автора «Ветреной реки»',
      trailer: 'https://www.youtube.com/watch?v=UKei_d0cbP4',
      year: 2018,
      rating: 8.6,
      genre_id: 17,
      director_id: 1,
      genre: { id: 17, name: 'Вестерн' },
      director: { id: 1, name: 'Тейлор Шеридан' },
    });
    assert.equal(movies[14]?.title, 'Сияние ', 'the trailing space of the seed is kept');
    assert.equal(response.headers.link, undefined);
  });

  it('When the path has no trailing slash, then it is the same route', async () => {
    assert.equal((await get('/movies')).statusCode, 200);
    assert.equal((await get('/movies/1')).statusCode, 200);
    assert.equal((await get('/movies/1/')).statusCode, 200);
  });

  it('When filters are combined, then they all apply', async () => {
    assert.deepEqual(ids((await get('/movies/?director_id=2')).json()), [2, 4]);
    assert.deepEqual(ids((await get('/movies/?genre_id=17')).json()), [1, 3, 4]);
    assert.deepEqual(ids((await get('/movies/?genre_id=17&director_id=2')).json()), [4]);
    assert.deepEqual(ids((await get('/movies/?year=2018')).json()), [1, 14, 16]);
    assert.deepEqual(ids((await get('/movies/?year=2018&genre_id=4')).json()), [14]);
    assert.deepEqual((await get('/movies/?genre_id=18&year=1999')).json(), []);
  });

  it('When q is given, then titles match case-insensitively, Cyrillic included', async () => {
    assert.deepEqual(ids((await get(`/movies/?q=${encodeURIComponent('йеллоу')}`)).json()), [1]);
    assert.deepEqual(ids((await get(`/movies/?q=${encodeURIComponent('ЙЕЛЛОУ')}`)).json()), [1]);
    assert.deepEqual((await get(`/movies/?q=${encodeURIComponent('%')}`)).json(), []);
    assert.deepEqual((await get(`/movies/?q=${encodeURIComponent('_')}`)).json(), []);
  });

  it('When q has three or more characters, then the title index finds exactly the substring matches', async () => {
    const specials = ['50% [off] *star*?', 'Under_score movie', 'ЗАГЛАВНЫЕ Буквы'];
    const made: number[] = [];
    for (const title of specials) made.push((await createMovie({ title, genre_id: 4 })).id);
    try {
      const search = async (q: string, extra = '') =>
        ids((await get(`/movies/?q=${encodeURIComponent(q)}${extra}`)).json());
      assert.deepEqual(await search('[off]'), [made[0]]);
      assert.deepEqual(await search('*star*?'), [made[0]]);
      assert.deepEqual(await search('% [o'), [made[0]]);
      assert.deepEqual(await search('r_s'), [made[1]]);
      assert.deepEqual(await search('der_sc'), [made[1]]);
      assert.deepEqual(await search('главные б'), [made[2]]);
      assert.deepEqual(await search('ГЛАВНЫЕ', '&genre_id=4&sort=-id'), [made[2]]);
      assert.deepEqual(await search('ГЛАВНЫЕ', '&genre_id=5'), []);
      assert.deepEqual(await search('VIE', '&sort=-id&per_page=1'), [made[1]]);
      await ctx.api.with(admin).patch(`/movies/${made[2]}`, { title: 'Новое имя' });
      assert.deepEqual(await search('главные'), []);
      assert.deepEqual(await search('вое им'), [made[2]]);
    } finally {
      for (const id of made) await ctx.api.with(admin).delete(`/movies/${id}`);
    }
    assert.deepEqual(ids((await get(`/movies/?q=${encodeURIComponent('вое им')}`)).json()), []);
  });

  it('When status=new, then newest years come first, ties by id descending', async () => {
    const movies = (await get('/movies/?status=new')).json<MovieBody[]>();
    const years = movies.map((movie) => movie.year ?? 0);
    assert.deepEqual(
      years,
      [...years].sort((a, b) => b - a),
    );
    assert.deepEqual(ids(movies).slice(0, 4), [12, 20, 18, 5]);
  });

  it('When sort names a field, then ties break by id in the same direction', async () => {
    const byRating = (await get('/movies/?sort=-rating')).json<MovieBody[]>();
    assert.deepEqual(ids(byRating).slice(0, 6), [1, 9, 15, 12, 4, 18]);
    const ascending = (await get('/movies/?sort=rating')).json<MovieBody[]>();
    assert.deepEqual(
      ascending.filter((movie) => movie.rating === 8.4).map((movie) => movie.id),
      [4, 12, 15],
    );
    const byYear = ids((await get('/movies/?sort=year&per_page=3')).json());
    assert.deepEqual(byYear, [3, 15, 8]);
    assert.deepEqual(ids((await get('/movies/?sort=-id&per_page=2')).json()), [20, 19]);
  });

  it('When sorted by title, then by lowercased code points on every database', async () => {
    const titles = (await get('/movies/?sort=title'))
      .json<MovieBody[]>()
      .map((movie) => movie.title);
    const expected = [...titles].sort((a, b) => {
      const [x, y] = [a.toLowerCase(), b.toLowerCase()];
      return x < y ? -1 : x > y ? 1 : 0;
    });
    assert.deepEqual(titles, expected);
    const reversed = (await get('/movies/?sort=-title'))
      .json<MovieBody[]>()
      .map((movie) => movie.title);
    assert.deepEqual(reversed, [...expected].reverse());
  });

  it('When sort overrides status and values are null, then nulls come last both ways', async () => {
    const undated = await createMovie({ title: 'Undated' });
    try {
      for (const url of [
        '/movies/?status=new',
        '/movies/?sort=year',
        '/movies/?sort=-year',
        '/movies/?sort=-rating&status=new',
      ]) {
        const movies = (await get(url)).json<MovieBody[]>();
        assert.equal(movies.at(-1)?.id, undated.id, url);
      }
    } finally {
      await ctx.api.with(admin).delete(`/movies/${undated.id}`);
    }
  });

  it('When a query value is unknown, of the wrong type or out of range, then 400 names it', async () => {
    const cases: [string, string][] = [
      ['/movies/?sort=budget', 'sort'],
      ['/movies/?status=old', 'status'],
      ['/movies/?director_id=0', 'director_id'],
      ['/movies/?genre_id=-1', 'genre_id'],
      ['/movies/?genre_id=abc', 'genre_id'],
      ['/movies/?genre_id=1.5', 'genre_id'],
      ['/movies/?genre_id=1e3', 'genre_id'],
      ['/movies/?director_id=9007199254740992', 'director_id'],
      ['/movies/?year=nineteen', 'year'],
      ['/movies/?year=1700', 'year'],
      ['/movies/?page=0', 'page'],
      ['/movies/?per_page=101', 'per_page'],
      ['/movies/?per_page=0', 'per_page'],
      ['/movies/?year=2018&year=2019', 'year'],
    ];
    for (const [url, field] of cases) {
      const response = await get(url);
      assert.equal(response.statusCode, 400, url);
      const body = errorBody(response);
      assert.equal(body.code, 'validation_error', url);
      assert.ok(body.errors?.[field], `${url} names ${field}: ${response.body}`);
    }
  });

  it('When paged, then pages slice the order and Link points at the next page, keeping the filters', async () => {
    const first = await get('/movies/?per_page=5');
    assert.deepEqual(ids(first.json()), [1, 2, 3, 4, 5]);
    assert.equal(nextLinkShape(first.headers.link), '/movies/?per_page=5&after=*');
    const second = await get('/movies/?page=2&per_page=5&genre_id=18');
    assert.deepEqual(ids(second.json()), [], 'five musicals fill page 1 exactly');
    const musicals = await get('/movies/?genre_id=18&per_page=5');
    assert.deepEqual(ids(musicals.json()), [5, 6, 7, 8, 13]);
    assert.equal(
      linksOf(musicals.headers.link).next,
      undefined,
      'exactly five musicals: no next page',
    );
    const pageTwo = await get('/movies/?page=2');
    assert.deepEqual(
      ids(pageTwo.json()),
      [13, 14, 15, 16, 17, 18, 19, 20],
      'default per_page is 12',
    );
    assert.equal(linksOf(pageTwo.headers.link).next, undefined);
    const withA = await get('/movies/?page=1&per_page=4&q=%D0%B0');
    assert.deepEqual(ids(withA.json()), [2, 3, 4, 7]);
    assert.equal(nextLinkShape(withA.headers.link), '/movies/?per_page=4&q=%D0%B0&after=*');
    const lastWithA = await get('/movies/?page=3&per_page=4&q=%D0%B0');
    assert.deepEqual(ids(lastWithA.json()), [18, 19]);
    assert.equal(linksOf(lastWithA.headers.link).next, undefined);
    assert.deepEqual((await get('/movies/?page=99')).json(), []);
  });

  it('When more than 1000 movies match and no page is asked, then 1000 come back and Link points at page 11 of 100', async () => {
    const rows = Array.from({ length: 1001 }, (_, i) => ({
      title: `Bulk ${i}`,
      title_key: `bulk ${i}`,
      description: '',
      trailer: '',
      year: 1999,
      rating: null,
      genre_id: null,
      director_id: null,
    }));
    await ctx.db.insertInto('movies').values(rows).execute();
    try {
      const response = await get('/movies/?year=1999');
      assert.equal(response.json<MovieBody[]>().length, 1000);
      assert.equal(nextLinkShape(response.headers.link), '/movies/?year=1999&per_page=100&after=*');
      const eleventh = await get('/movies/?year=1999&page=11&per_page=100');
      assert.equal(eleventh.json<MovieBody[]>().length, 1);
      const followed = await get(String(linksOf(response.headers.link).next));
      assert.deepEqual(followed.json(), eleventh.json(), 'the cursor leads where page 11 does');
    } finally {
      await ctx.db.deleteFrom('movies').where('year', '=', 1999).execute();
    }
  });
});

describe('GET /movies/<id>', () => {
  it('When the id is known, then the movie', async () => {
    const response = await get('/movies/15');
    assert.equal(response.statusCode, 200);
    assert.equal(response.json<MovieBody>().title, 'Сияние ');
  });

  it('When the id is unknown, then 404', async () => {
    const response = await get('/movies/9999');
    assert.equal(response.statusCode, 404);
    assert.equal(errorBody(response).code, 'not_found');
  });

  it('When the id is malformed, then 400', async () => {
    for (const id of ['abc', '0', '-1', '1.5', '9007199254740992', '1e2', '%20%201', '0x10']) {
      const response = await get(`/movies/${id}`);
      assert.equal(response.statusCode, 400, id);
      assert.equal(errorBody(response).code, 'validation_error', id);
    }
    assert.equal((await get('/movies/9007199254740991')).statusCode, 404, '2^53-1 is a valid id');
  });
});

describe('POST /movies/', () => {
  it('When an admin creates a movie, then 201 with Location and the full object, defaults filled', async () => {
    const response = await ctx.api.with(admin).post('/movies/', {
      title: ' Spaced  title ',
      year: 1888,
      rating: 10,
      genre_id: 4,
      director_id: null,
    });
    assert.equal(response.statusCode, 201);
    const movie = response.json<MovieBody>();
    assert.equal(response.headers.location, `/movies/${movie.id}`);
    assert.deepEqual(movie, {
      id: movie.id,
      title: ' Spaced  title ',
      description: '',
      trailer: '',
      year: 1888,
      rating: 10,
      genre_id: 4,
      director_id: null,
      genre: { id: 4, name: 'Драма' },
      director: null,
    });
    assert.deepEqual((await get(`/movies/${movie.id}`)).json(), movie);
  });

  it('When a plain user creates a movie, then 403; anonymous, 401', async () => {
    const payload = { title: 'Nope' };
    const asUser = await ctx.api.with(user).post('/movies/', payload);
    assert.equal(asUser.statusCode, 403);
    assert.equal(errorBody(asUser).code, 'forbidden');
    const anonymous = await ctx.api.post('/movies/', payload);
    assert.equal(anonymous.statusCode, 401);
  });

  it('When the body breaks the schema, then 400 names each field, nothing is stored', async () => {
    const before = (await get('/movies/')).json<MovieBody[]>().length;
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'title'],
      [{ title: '' }, 'title'],
      [{ title: 'x'.repeat(256) }, 'title'],
      [{ title: 'ok', year: '1994' }, 'year'],
      [{ title: 'ok', year: 1887 }, 'year'],
      [{ title: 'ok', year: 2101 }, 'year'],
      [{ title: 'ok', year: 1999.5 }, 'year'],
      [{ title: 'ok', rating: 10.1 }, 'rating'],
      [{ title: 'ok', rating: -0.1 }, 'rating'],
      [{ title: 'ok', rating: '5' }, 'rating'],
      [{ title: 'ok', genre_id: '4' }, 'genre_id'],
      [{ title: 'ok', genre_id: 0 }, 'genre_id'],
      [{ title: 'ok', genre_id: 999 }, 'genre_id'],
      [{ title: 'ok', director_id: 999 }, 'director_id'],
      [{ title: 'ok', trailer: 'javascript:alert(1)' }, 'trailer'],
      [{ title: 'ok', trailer: 'not a url' }, 'trailer'],
      [{ title: 'ok', trailer: `https://x.example/${'a'.repeat(2048)}` }, 'trailer'],
      [{ title: 'ok', description: 'd'.repeat(5001) }, 'description'],
      [{ title: 'ok', budget: 1 }, 'budget'],
      [{ title: 'ok', id: 5 }, 'id'],
      [{ title: 7 }, 'title'],
    ];
    for (const [payload, field] of cases) {
      const response = await ctx.api.with(admin).post('/movies/', payload);
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      const body = errorBody(response);
      assert.equal(body.code, 'validation_error');
      assert.ok(
        body.errors?.[field],
        `${JSON.stringify(payload).slice(0, 60)} names ${field}: ${response.body}`,
      );
    }
    assert.equal((await get('/movies/')).json<MovieBody[]>().length, before);
  });

  it('When lengths are counted, then in code points', async () => {
    const emoji = '🎬'.repeat(255);
    const movie = await createMovie({ title: emoji, description: 'ё'.repeat(5000) });
    assert.equal(movie.title, emoji);
    const tooLong = await ctx.api.with(admin).post('/movies/', { title: '🎬'.repeat(256) });
    assert.equal(tooLong.statusCode, 400);
  });

  it('When the trailer is an http(s) URL or empty, then it is kept', async () => {
    assert.equal(
      (await createMovie({ title: 't1', trailer: 'http://example.com/a' })).trailer,
      'http://example.com/a',
    );
    assert.equal((await createMovie({ title: 't2', trailer: '' })).trailer, '');
  });
});

describe('PUT and PATCH /movies/<id>', () => {
  it('When PUT carries back what GET returned, edited, then 204 and the change is stored', async () => {
    const movie = await createMovie({
      title: 'Before',
      year: 2000,
      rating: 5,
      genre_id: 1,
      director_id: 1,
    });
    const edited = { ...movie, title: 'After' };
    const response = await ctx.api.with(admin).put(`/movies/${movie.id}/`, edited);
    assert.equal(response.statusCode, 204);
    assert.equal(response.body, '');
    assert.deepEqual((await get(`/movies/${movie.id}`)).json(), edited);
  });

  it('When PUT leaves optional fields out, then they take their defaults', async () => {
    const movie = await createMovie({
      title: 'Full',
      description: 'd',
      trailer: 'https://a.example',
      year: 2000,
      rating: 5,
      genre_id: 1,
      director_id: 1,
    });
    const response = await ctx.api.with(admin).put(`/movies/${movie.id}`, { title: 'Bare' });
    assert.equal(response.statusCode, 204);
    const stored = (await get(`/movies/${movie.id}`)).json<MovieBody>();
    assert.deepEqual(
      { ...stored, id: 0 },
      {
        id: 0,
        title: 'Bare',
        description: '',
        trailer: '',
        year: null,
        rating: null,
        genre_id: null,
        director_id: null,
        genre: null,
        director: null,
      },
    );
  });

  it('When PUT lacks the title or the body id differs from the URL, then 400', async () => {
    const movie = await createMovie({ title: 'Keep' });
    const noTitle = await ctx.api.with(admin).put(`/movies/${movie.id}`, { year: 2000 });
    assert.equal(noTitle.statusCode, 400);
    assert.ok(errorBody(noTitle).errors?.title);
    const otherId = await ctx.api
      .with(admin)
      .put(`/movies/${movie.id}`, { id: movie.id + 1, title: 'x' });
    assert.equal(otherId.statusCode, 400);
    assert.ok(errorBody(otherId).errors?.id);
    assert.equal((await get(`/movies/${movie.id}`)).json<MovieBody>().title, 'Keep');
  });

  it('When PATCH sends some fields, then only those change; null clears a nullable field', async () => {
    const movie = await createMovie({ title: 'Patch me', year: 2001, rating: 7, genre_id: 2 });
    const response = await ctx.api
      .with(admin)
      .patch(`/movies/${movie.id}`, { rating: 9.5, genre_id: null });
    assert.equal(response.statusCode, 204);
    const stored = (await get(`/movies/${movie.id}`)).json<MovieBody>();
    assert.equal(stored.title, 'Patch me');
    assert.equal(stored.year, 2001);
    assert.equal(stored.rating, 9.5);
    assert.equal(stored.genre, null);
    const emptyPatch = await ctx.api.with(admin).patch(`/movies/${movie.id}`, {});
    assert.equal(emptyPatch.statusCode, 204);
  });

  it('When the movie is unknown, then 404, but a bad body is 400 first', async () => {
    const missing = await ctx.api.with(admin).patch('/movies/99999', { title: 'x' });
    assert.equal(missing.statusCode, 404);
    const badAndMissing = await ctx.api.with(admin).patch('/movies/99999', { year: 'x' });
    assert.equal(badAndMissing.statusCode, 400);
    const badGenreAndMissing = await ctx.api
      .with(admin)
      .put('/movies/99999', { title: 'x', genre_id: 999 });
    assert.equal(badGenreAndMissing.statusCode, 400);
  });

  it('When a user writes, then 403 even with an invalid body', async () => {
    const response = await ctx.api.with(user).patch('/movies/1', { year: 'bad' });
    assert.equal(response.statusCode, 403);
  });
});

describe('DELETE /movies/<id>', () => {
  it('When an admin deletes a movie, then 204, then 404', async () => {
    const movie = await createMovie({ title: 'Short-lived' });
    const first = await ctx.api.with(admin).delete(`/movies/${movie.id}`);
    assert.equal(first.statusCode, 204);
    assert.equal((await get(`/movies/${movie.id}`)).statusCode, 404);
    const second = await ctx.api.with(admin).delete(`/movies/${movie.id}`);
    assert.equal(second.statusCode, 404);
  });

  it('When a user deletes, then 403 and the movie stays', async () => {
    const response = await ctx.api.with(user).delete('/movies/1');
    assert.equal(response.statusCode, 403);
    assert.equal((await get('/movies/1')).statusCode, 200);
  });
});

describe('Bodies that are not JSON', () => {
  it('When the content type is not JSON, then 415', async () => {
    const response = await ctx.api
      .with({ ...admin, 'content-type': 'text/plain' })
      .post('/movies/', 'title=x');
    assert.equal(response.statusCode, 415);
    assert.equal(errorBody(response).code, 'unsupported_media_type');
    const form = await ctx.api
      .with({ ...admin, 'content-type': 'application/x-www-form-urlencoded' })
      .post('/movies/', 'title=x');
    assert.equal(form.statusCode, 415);
  });

  it('When the JSON is malformed, then 400 bad_request without parser text', async () => {
    const response = await ctx.api
      .with({ ...admin, 'content-type': 'application/json' })
      .post('/movies/', '{"title": ');
    assert.equal(response.statusCode, 400);
    const body = errorBody(response);
    assert.equal(body.code, 'bad_request');
    assert.doesNotMatch(body.message, /position|token|Unexpected/i);
  });

  it('When the body is JSON but not an object, then 400', async () => {
    for (const payload of ['[]', '"title"', '42', 'null']) {
      const response = await ctx.api
        .with({ ...admin, 'content-type': 'application/json' })
        .post('/movies/', payload);
      assert.equal(response.statusCode, 400, payload);
    }
  });

  it('When the body is over 64 KiB, then 413', async () => {
    const response = await ctx.api
      .with({ ...admin, 'content-type': 'application/json' })
      .post('/movies/', JSON.stringify({ title: 'big', description: 'x'.repeat(70 * 1024) }));
    assert.equal(response.statusCode, 413);
    assert.equal(errorBody(response).code, 'payload_too_large');
  });

  it('When the request has no token and a bad body, then 401 comes first', async () => {
    const response = await ctx.api.with({ 'content-type': 'text/plain' }).post('/movies/', 'x');
    assert.equal(response.statusCode, 401);
  });

  it('When __proto__ is smuggled in, then 400', async () => {
    const response = await ctx.api
      .with({ ...admin, 'content-type': 'application/json' })
      .post('/movies/', '{"title":"x","__proto__":{"admin":true}}');
    assert.equal(response.statusCode, 400);
  });
});

describe('Tokens on catalog reads', () => {
  it('When the token is only in the query string, then it is not used', async () => {
    const token = String(user.authorization).slice('Bearer '.length);
    const response = await ctx.api.get(`/movies/?access_token=${token}`);
    assert.equal(response.statusCode, 401);
  });

  it('When an access token is fine, then a different header scheme is still refused', async () => {
    const token = String(user.authorization).slice('Bearer '.length);
    const response = await ctx.api.with({ authorization: `Basic ${token}` }).get('/movies/');
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['www-authenticate'], 'Bearer');
    const lowercase = await ctx.api.as(token).get('/movies/');
    assert.equal(lowercase.statusCode, 200);
  });
});
