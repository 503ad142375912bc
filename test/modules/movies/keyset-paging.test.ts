import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Movie } from '../../../src/modules/movies/schemas.js';
import { buildTestApp, errorBody, signedIn, type TestContext } from '../../helpers.js';
import { linksOf } from '../../links.js';

let ctx: TestContext;
let user: Record<string, string>;

const TITLES = ['Star', 'star', 'STAR wars', 'Ábc', 'abc', 'Zed', 'zed', 'Ёлка', 'ёлка', 'Ель'];
const YEARS = [2000, 2000, null, 1999, 2000, null, 2010];
const RATINGS = [7.5, null, 7.5, 8.1, null, 0, 10, 7.5];

// Ties and nulls on every sort key: many equal years, ratings and lower-cased titles.
before(async () => {
  ctx = await buildTestApp();
  user = (await signedIn(ctx, 'keyset-reader')).headers;
  const rows = Array.from({ length: 45 }, (_, i) => {
    const title = `${TITLES[i % TITLES.length]}${i % 3 === 0 ? '' : ' star'}`;
    return {
      title,
      title_key: title.toLowerCase(),
      description: '',
      trailer: '',
      year: YEARS[i % YEARS.length] ?? null,
      rating: RATINGS[i % RATINGS.length] ?? null,
      genre_id: i % 2 === 0 ? 1 : 2,
      director_id: i % 4 === 0 ? 1 : null,
    };
  });
  await ctx.db.insertInto('movies').values(rows).execute();
});
after(() => ctx.app.close());

const get = (url: string) => ctx.api.with(user).get(url);
const ids = (body: string) => (JSON.parse(body) as Movie[]).map((movie) => movie.id);

/** Every row of a list, by following next links from its first page; checks each page's links. */
async function walk(url: string): Promise<number[]> {
  const seen: number[] = [];
  let next: string | undefined = url;
  for (let pages = 0; next !== undefined; pages += 1) {
    assert.ok(pages < 100, `${url}: the walk ends`);
    const response = await get(next);
    assert.equal(response.statusCode, 200, `${next}: ${response.body}`);
    seen.push(...ids(response.body));
    const links = linksOf(response.headers.link);
    if (next !== url) {
      assert.match(String(links.first), /[?&]page=1(&|$)/, `${next} links to the first page`);
      assert.equal(links.prev, undefined, 'a cursor page has no prev');
    }
    if (links.next !== undefined) {
      assert.match(links.next, /[?&]after=[A-Za-z0-9_-]+/);
      assert.doesNotMatch(links.next, /[?&]page=/);
    }
    next = links.next;
  }
  return seen;
}

const SORTS = ['', 'id', '-id', 'year', '-year', 'rating', '-rating', 'title', '-title'];
const FILTERS = ['', 'genre_id=2', 'q=star', 'q=ab', 'director_id=1', 'year=2000'];

describe('Keyset pages', () => {
  it('When next links are followed, then every sort and filter yields exactly the offset order', async () => {
    const combos = [
      ...SORTS.flatMap((sort) =>
        FILTERS.map((filter) => [filter, sort && `sort=${sort}`].filter(Boolean).join('&')),
      ),
      'status=new',
      'status=new&genre_id=1',
      'status=new&q=star',
    ];
    for (const combo of combos) {
      const offsetIds = ids((await get(`/movies/?${combo}&page=1&per_page=100`)).body);
      assert.ok(offsetIds.length > 3, `${combo} has several pages`);
      assert.deepEqual(await walk(`/movies/?${combo}&per_page=4`), offsetIds, combo);
    }
  });

  it('When the walk starts on an offset page, then its next link goes on from there', async () => {
    const all = ids((await get('/movies/?sort=-rating&page=1&per_page=100')).body);
    assert.deepEqual(await walk('/movies/?sort=-rating&page=3&per_page=5'), all.slice(10));
    const unpagedNext = linksOf((await get('/movies/?sort=title')).headers.link).next;
    assert.equal(unpagedNext, undefined, 'fewer than 1000 rows: everything, no next');
  });

  it('When genres, directors and users are walked, then they come in id order, complete', async () => {
    for (const resource of ['genres', 'directors']) {
      const all = ids((await get(`/${resource}/?page=1&per_page=100`)).body);
      assert.deepEqual(await walk(`/${resource}/?per_page=5`), all, resource);
    }
    const admin = (await signedIn(ctx, 'keyset-admin', 'admin')).headers;
    for (const name of ['u1', 'u2', 'u3', 'u4']) await signedIn(ctx, `keyset-${name}`);
    const users = async (url: string) =>
      ctx.api
        .with(admin)
        .get(url)
        .then((r) => r);
    const everyone = ids((await users('/users/?per_page=100')).body);
    const first = await users('/users/?per_page=2');
    const second = await users(String(linksOf(first.headers.link).next));
    assert.deepEqual(ids(second.body), everyone.slice(2, 4));
  });
});

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('Cursors that are not ours', () => {
  it('When a cursor is malformed, altered, of another sort, or sent with page, then 400 naming after', async () => {
    const ratingNext = String(
      linksOf((await get('/movies/?sort=-rating&per_page=2')).headers.link).next,
    );
    const ratingCursor = new URLSearchParams(ratingNext.split('?')[1]).get('after') ?? '';
    const cases = [
      '/movies/?after=',
      '/movies/?after=!!!',
      '/movies/?after=eyJv%3D',
      `/movies/?after=${'A'.repeat(5000)}`,
      `/movies/?after=${Buffer.from('not json').toString('base64url')}`,
      `/movies/?after=${cursorOf([1])}`,
      `/movies/?after=${cursorOf({ o: 'id', k: [0] })}`,
      `/movies/?after=${cursorOf({ o: 'id', k: [2 ** 53] })}`,
      `/movies/?after=${cursorOf({ o: 'id', k: ['1'] })}`,
      `/movies/?after=${cursorOf({ o: 'id', k: [1, 2] })}`,
      `/movies/?after=${cursorOf({ o: 'id', k: [1], extra: true })}`,
      `/movies/?after=${cursorOf({ k: [1], o: 'id' })}`,
      `/movies/?sort=year&after=${cursorOf({ o: 'year,id', k: [1e10, 1] })}`,
      `/movies/?sort=year&after=${cursorOf({ o: 'year,id', k: [1999.5, 1] })}`,
      `/movies/?sort=rating&after=${cursorOf({ o: 'rating,id', k: ['7', 1] })}`,
      `/movies/?sort=title&after=${cursorOf({ o: 'title,id', k: ['a\u0000', 1] })}`,
      `/movies/?sort=title&after=${cursorOf({ o: 'title,id', k: ['\ud800', 1] })}`,
      `/movies/?sort=title&after=${cursorOf({ o: 'title,id', k: [null, 1] })}`,
      `/movies/?sort=rating&after=${ratingCursor}`,
      `/movies/?status=new&after=${ratingCursor}`,
      `/movies/?after=${ratingCursor}`,
      `/genres/?after=${ratingCursor}`,
      `/movies/?sort=-rating&page=2&after=${ratingCursor}`,
      `/genres/?page=1&after=${cursorOf({ o: 'id', k: [3] })}`,
    ];
    for (const url of cases) {
      const response = await get(url);
      assert.equal(response.statusCode, 400, `${url}: ${response.body}`);
      const body = errorBody(response);
      assert.equal(body.code, 'validation_error', url);
      assert.ok(body.errors?.after, `${url} names after: ${response.body}`);
    }
    assert.equal((await get(`/movies/?sort=-rating&after=${ratingCursor}`)).statusCode, 200);
  });

  it('When a well-formed cursor names a row that is gone, then the list goes on behind its values', async () => {
    const page = await get(
      `/movies/?sort=-year&per_page=3&after=${cursorOf({ o: '-year,-id', k: [2000, 1] })}`,
    );
    assert.equal(page.statusCode, 200);
    const movies = JSON.parse(page.body) as Movie[];
    assert.ok(
      movies.every((movie) => movie.year === null || movie.year < 2000),
      page.body,
    );
    const tail = await get(
      `/movies/?sort=-year&after=${cursorOf({ o: '-year,-id', k: [null, 1] })}`,
    );
    assert.deepEqual(JSON.parse(tail.body), []);
  });
});
