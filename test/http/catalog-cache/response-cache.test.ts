import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_TOKEN_LENGTH } from '../../../src/auth/tokens.js';
import {
  apiOf,
  bearer,
  buildTestApp,
  errorBody,
  signedIn,
  type TestContext,
} from '../../helpers.js';
import { nextLinkShape } from '../../links.js';

let ctx: TestContext;
let user: Record<string, string>;
let admin: Record<string, string>;

before(async () => {
  ctx = await buildTestApp();
  user = (await signedIn(ctx, 'cache-key-reader')).headers;
  admin = (await signedIn(ctx, 'cache-key-admin', 'admin')).headers;
});
after(() => ctx.app.close());

const get = (app: TestContext['app'], url: string, headers = user) =>
  apiOf(app).with(headers).get(url);

function cacheOf(app: TestContext['app']) {
  assert.ok(app.catalogCache, 'the cache is on');
  return app.catalogCache;
}

describe('Unknown query parameters', () => {
  it('When a read carries cache-busters, then they are ignored, never a 400', async () => {
    const plain = await get(ctx.app, '/movies/?genre_id=17');
    const busted = await get(ctx.app, '/movies/?genre_id=17&_=1712345678&pad=xyz&page[]=1');
    assert.equal(busted.statusCode, 200);
    assert.equal(busted.body, plain.body);
    assert.equal((await get(ctx.app, '/genres/1?_=1')).statusCode, 200);
  });

  it('When variants of one request are read, then they share one cache entry', async () => {
    const cache = cacheOf(ctx.app);
    const groups = [
      ['/genres/?page=2&per_page=12', '/genres/?per_page=12&page=2&_=1', '/genres?page=2&x=y'],
      ['/genres/?per_page=12', '/genres/?page=1', '/genres/?page=1&per_page=12&_=2'],
      ['/movies/?year=2018&sort=-rating', '/movies?sort=-rating&year=2018&_=3'],
      ['/movies/3', '/movies/3/?_=4', '/movies/03'],
    ];
    for (const urls of groups) {
      cache.invalidate();
      const answers = [];
      for (const url of urls) answers.push(await get(ctx.app, url));
      assert.equal(cache.usage.entries, 1, urls.join(' '));
      for (const answer of answers) {
        assert.equal(answer.statusCode, 200);
        assert.equal(answer.body, answers[0]?.body);
      }
    }
  });

  it('When a paged answer has a Link, then it names known parameters only, cached or not', async () => {
    ctx.app.catalogCache?.invalidate();
    const first = await get(ctx.app, '/genres/?per_page=5&_=first-client&page=2');
    const second = await get(ctx.app, '/genres/?page=2&per_page=5&junk=second-client');
    assert.equal(nextLinkShape(first.headers.link), '/genres/?per_page=5&after=*');
    assert.equal(second.body, first.body);
    assert.doesNotMatch(String(second.headers.link), /client|_=|junk/);
    ctx.app.catalogCache?.invalidate();
    const encodedPath = await get(ctx.app, '/%67enres?per_page=5&page=2');
    assert.equal(nextLinkShape(encodedPath.headers.link), '/genres/?per_page=5&after=*');
    const filtered = await get(ctx.app, '/movies/?per_page=2&_=9&year=2018&cb=x');
    assert.equal(nextLinkShape(filtered.headers.link), '/movies/?per_page=2&year=2018&after=*');
  });

  it('When a cached list is changed, then every variant shows the change at once', async () => {
    const names = async (url: string) =>
      (await get(ctx.app, url)).json<{ name: string }[]>().map((genre) => genre.name);
    assert.ok(!(await names('/genres/?per_page=100&_=1')).includes('Cache variant'));
    const created = await ctx.api.with(admin).post('/genres/', { name: 'Cache variant' });
    assert.equal(created.statusCode, 201);
    assert.ok((await names('/genres/?per_page=100&_=2')).includes('Cache variant'));
  });
});

describe('Bounded caches', () => {
  it('When many distinct pages are read, then the cache keeps within its budget', async () => {
    const small = await buildTestApp({ RESPONSE_CACHE_MB: '1' });
    try {
      const reader = (await signedIn(small, 'cache-flooder')).headers;
      for (let page = 1; page <= 1500; page += 1) {
        const response = await get(small.app, `/genres/?page=${page}&pad=${page}`, reader);
        assert.equal(response.statusCode, 200);
      }
      const usage = cacheOf(small.app).usage;
      assert.ok(usage.bytes <= 1024 * 1024, `${usage.bytes} bytes`);
      assert.ok(usage.entries < 1000, `${usage.entries} entries`);
      assert.ok(usage.entries > 500, `${usage.entries} entries: the budget is used`);
    } finally {
      await small.app.close();
    }
  });

  it('When RESPONSE_CACHE_MB=0, then there is no cache and reads and writes still agree', async () => {
    const uncached = await buildTestApp({ RESPONSE_CACHE_MB: '0' });
    try {
      assert.equal(uncached.app.catalogCache, null);
      const reader = (await signedIn(uncached, 'uncached-reader')).headers;
      const writer = (await signedIn(uncached, 'uncached-admin', 'admin')).headers;
      const rating = async () =>
        (await get(uncached.app, '/movies/2?_=1', reader)).json<{ rating: number }>().rating;
      assert.equal(await rating(), 7.8);
      await uncached.api.with(writer).patch('/movies/2', { rating: 9.1 });
      assert.equal(await rating(), 9.1);
      const paged = await get(uncached.app, '/genres/?per_page=5&_=x', reader);
      assert.equal(paged.statusCode, 200);
      assert.equal(paged.json<unknown[]>().length, 5);
      assert.equal(nextLinkShape(paged.headers.link), '/genres/?per_page=5&after=*');
    } finally {
      await uncached.app.close();
    }
  });

  it('When a bearer token is longer than any of ours, then it is a plain 401', async () => {
    const response = await get(ctx.app, '/genres/', bearer('x'.repeat(MAX_TOKEN_LENGTH + 1)));
    assert.equal(response.statusCode, 401);
    assert.equal(errorBody(response).code, 'unauthorized');
    assert.equal(response.headers['www-authenticate'], 'Bearer error="invalid_token"');
  });
});
