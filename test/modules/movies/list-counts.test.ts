import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KyselyPlugin, RootOperationNode } from 'kysely';
import { pageWindow } from '../../../src/shared/paging.js';
import { movieListParamsOf } from '../../../src/modules/movies/list-request.js';
import { createMovieService } from '../../../src/modules/movies/service.js';
import { buildTestApp, onPostgres, signedIn, type TestContext } from '../../helpers.js';
import { linksOf } from '../../links.js';

const SITE = 'https://site.example';
let ctx: TestContext;
let user: Record<string, string>;
let admin: Record<string, string>;

before(async () => {
  ctx = await buildTestApp({ CORS_ORIGINS: SITE });
  user = (await signedIn(ctx, 'count-reader')).headers;
  admin = (await signedIn(ctx, 'count-admin', 'admin')).headers;
});
after(() => ctx.app.close());

const COUNTED = { prefer: 'count=exact' };
const get = (url: string, headers: Record<string, string> = {}) =>
  ctx.api.with({ ...user, ...headers }).get(url);

describe('Prefer: count=exact', () => {
  it('When asked, then X-Total-Count counts every matching row and Link has rel="last"', async () => {
    // The demo catalog: 20 movies, 5 of them musicals (genre 18).
    const counted = await get('/movies/?genre_id=18&per_page=2&page=2', COUNTED);
    assert.equal(counted.statusCode, 200);
    assert.equal(counted.headers['x-total-count'], '5');
    assert.equal(counted.headers['preference-applied'], 'count=exact');
    const links = linksOf(counted.headers.link);
    assert.equal(links.last, '/movies/?genre_id=18&per_page=2&page=3');
    assert.equal(links.first, '/movies/?genre_id=18&per_page=2&page=1');
    assert.equal(links.prev, '/movies/?genre_id=18&per_page=2&page=1');
    const all = await get('/movies/', COUNTED);
    assert.equal(all.headers['x-total-count'], '20');
    assert.equal(linksOf(all.headers.link).last, '/movies/?page=1&per_page=100');
    const searched = await get('/movies/?q=%D0%B0&per_page=1', {
      prefer: 'return=minimal, count="exact"',
    });
    assert.equal(searched.headers['x-total-count'], '10');
    const none = await get('/movies/?year=1888', COUNTED);
    assert.equal(none.headers['x-total-count'], '0');
    assert.equal(linksOf(none.headers.link).last, '/movies/?year=1888&page=1&per_page=100');
  });

  it('When not asked (or asked for another count), then no count and no rel="last"', async () => {
    const preferences: Record<string, string>[] = [
      {},
      { prefer: 'count=planned' },
      { prefer: 'return=representation' },
    ];
    for (const headers of preferences) {
      const response = await get('/movies/?per_page=2', headers);
      assert.equal(response.headers['x-total-count'], undefined);
      assert.equal(response.headers['preference-applied'], undefined);
      assert.equal(linksOf(response.headers.link).last, undefined);
    }
  });

  it('When genres, directors and users are counted, then each counts its own rows', async () => {
    assert.equal((await get('/genres/?per_page=1', COUNTED)).headers['x-total-count'], '18');
    assert.equal((await get('/directors/', COUNTED)).headers['x-total-count'], '20');
    const users = await ctx.api.with({ ...admin, ...COUNTED }).get('/users/?per_page=1');
    assert.equal(users.headers['x-total-count'], '2');
  });

  it('When a counted and an uncounted answer share a URL, then the cache keeps them apart', async () => {
    const url = '/genres/?per_page=4';
    for (let round = 0; round < 2; round += 1) {
      const plain = await get(url);
      const counted = await get(url, COUNTED);
      assert.equal(plain.headers['x-total-count'], undefined, `round ${round}`);
      assert.equal(counted.headers['x-total-count'], '18', `round ${round}`);
      assert.equal(counted.headers['preference-applied'], 'count=exact');
      assert.equal(plain.body, counted.body);
    }
    const created = await ctx.api.with(admin).post('/genres/', { name: 'Counted genre' });
    assert.equal(created.statusCode, 201);
    assert.equal((await get(url, COUNTED)).headers['x-total-count'], '19');
  });
});

describe('Counting only when asked', () => {
  it('When no count is asked, then the list runs no count query; when asked, one', async () => {
    const queries: RootOperationNode[] = [];
    const watcher: KyselyPlugin = {
      transformQuery: ({ node }) => {
        queries.push(node);
        return node;
      },
      transformResult: async ({ result }) => result,
    };
    const service = createMovieService(
      ctx.db.withPlugin(watcher),
      onPostgres ? 'postgres' : 'sqlite',
    );
    const counts = () => queries.filter((node) => /"func":"count"/.test(JSON.stringify(node)));
    const query = { genre_id: 18, per_page: 2 };
    const { filters, order } = movieListParamsOf(query);
    const plain = await service.list(filters, order, pageWindow(query), { count: false });
    assert.equal(plain.total, undefined);
    assert.equal(queries.length, 1, 'one query: the page');
    assert.equal(counts().length, 0);
    const counted = await service.list(filters, order, pageWindow(query), { count: true });
    assert.equal(counted.total, 5);
    assert.equal(counts().length, 1);
  });
});

describe('Link rels', () => {
  it('When on the first page, then only next; on a later page, first and prev too', async () => {
    const firstPage = linksOf((await get('/movies/?per_page=5')).headers.link);
    assert.deepEqual(Object.keys(firstPage), ['next']);
    const third = linksOf((await get('/movies/?sort=-year&page=3&per_page=5')).headers.link);
    assert.deepEqual(Object.keys(third), ['first', 'prev', 'next']);
    assert.equal(third.first, '/movies/?sort=-year&page=1&per_page=5');
    assert.equal(third.prev, '/movies/?sort=-year&page=2&per_page=5');
    const cursorPage = linksOf((await get(String(third.next))).headers.link);
    assert.equal(cursorPage.first, '/movies/?sort=-year&per_page=5&page=1');
    assert.equal(cursorPage.prev, undefined);
    const lastPage = linksOf((await get('/movies/?page=4&per_page=5')).headers.link);
    assert.deepEqual(Object.keys(lastPage), ['first', 'prev']);
  });
});

describe('CORS', () => {
  it('When a browser on another origin reads a list, then it may read Link and the count headers', async () => {
    const response = await get('/movies/?per_page=2', { origin: SITE, ...COUNTED });
    const exposed = String(response.headers['access-control-expose-headers'])
      .toLowerCase()
      .split(/,\s*/);
    for (const header of ['link', 'x-total-count', 'preference-applied']) {
      assert.ok(exposed.includes(header), `${header} exposed: ${exposed.join(', ')}`);
    }
    const unknownPath = await get('/%C0', { origin: SITE });
    assert.match(String(unknownPath.headers['access-control-expose-headers']), /X-Total-Count/);
    const preflight = await ctx.api
      .with({
        origin: SITE,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization,prefer',
      })
      .request('OPTIONS', '/movies/');
    assert.equal(preflight.statusCode, 204);
    assert.match(String(preflight.headers['access-control-allow-headers']), /Prefer/i);
  });
});
