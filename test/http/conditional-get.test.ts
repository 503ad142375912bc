import type { LightMyRequestResponse } from 'fastify';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  buildTestApp,
  expiredToken,
  freshDatabase,
  signedIn,
  TEST_ITERATIONS,
  TEST_SECRET,
  appOnDatabase,
  type TestContext,
  type TestDatabase,
} from '../helpers.js';
import { startServer, type RunningServer } from '../process.js';

const SITE = 'http://site.example:3000';
const CATALOG_READS = [
  '/movies/',
  '/movies/1',
  '/directors/',
  '/directors/1',
  '/genres/',
  '/genres/1',
];
const STRONG_TAG = /^"[A-Za-z0-9_-]+"$/;
const COUNTED = { prefer: 'count=exact' };

const etagOf = (response: LightMyRequestResponse): string => {
  const etag = response.headers.etag;
  assert.equal(typeof etag, 'string', `ETag on ${response.statusCode} ${response.body}`);
  return String(etag);
};

function assertNotModified(response: LightMyRequestResponse, etag: string, what: string): void {
  assert.equal(response.statusCode, 304, `${what}: ${response.body}`);
  assert.equal(response.body, '', what);
  assert.equal(response.headers.etag, etag, what);
  assert.equal(response.headers['cache-control'], 'no-cache, private', what);
  assert.equal(response.headers.vary, 'Authorization', what);
  assert.equal(response.headers['content-type'], undefined, what);
  assert.equal(response.headers['content-length'], undefined, what);
}

for (const cacheMb of ['8', '0']) {
  describe(`Conditional catalog reads, RESPONSE_CACHE_MB=${cacheMb}`, () => {
    let ctx: TestContext;
    let user: Record<string, string>;
    let admin: Record<string, string>;

    before(async () => {
      ctx = await buildTestApp({ RESPONSE_CACHE_MB: cacheMb });
      user = (await signedIn(ctx, 'etag-reader')).headers;
      admin = (await signedIn(ctx, 'etag-admin', 'admin')).headers;
    });
    after(() => ctx.app.close());

    const get = (url: string, headers: Record<string, string> = {}) =>
      ctx.api.with({ ...user, ...headers }).get(url);
    const tagOf = async (url: string, headers: Record<string, string> = {}) => {
      const response = await get(url, headers);
      assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
      return etagOf(response);
    };
    const write = async (method: 'POST' | 'PATCH', url: string, payload: object) => {
      const response = await ctx.api.with(admin).request(method, url, payload);
      assert.ok(response.statusCode < 300, `${method} ${url}: ${response.statusCode}`);
      return response;
    };
    const hits = () => ctx.app.catalogCache?.stats.hits ?? 0;

    it('When a catalog list or item is read, then it carries a strong ETag, the same on every repeat', async () => {
      ctx.app.catalogCache?.invalidate();
      for (const url of CATALOG_READS) {
        const first = await get(url);
        assert.equal(first.statusCode, 200, url);
        assert.match(etagOf(first), STRONG_TAG, url);
        const hitsBefore = hits();
        const again = await get(url);
        assert.equal(again.body, first.body, url);
        assert.equal(etagOf(again), etagOf(first), url);
        // With the cache on the repeat is its answer: the kept tag equals the one worked out.
        assert.equal(hits() - hitsBefore, cacheMb === '0' ? 0 : 1, url);
        assert.equal(again.headers['cache-control'], 'no-cache, private', url);
        assert.equal(again.headers.vary, 'Authorization', url);
      }
    });

    it('When If-None-Match names the current tag, then 304 with no body, fresh answer or kept one', async () => {
      for (const url of CATALOG_READS) {
        const etag = await tagOf(url);
        ctx.app.catalogCache?.invalidate();
        assertNotModified(await get(url, { 'if-none-match': etag }), etag, `${url} fresh`);
        assertNotModified(await get(url, { 'if-none-match': etag }), etag, `${url} again`);
      }
    });

    it('When a revalidation also says Cache-Control: no-cache, then it is still 304', async () => {
      for (const url of CATALOG_READS) {
        const etag = await tagOf(url);
        const response = await get(url, { 'if-none-match': etag, 'cache-control': 'no-cache' });
        assertNotModified(response, etag, url);
      }
    });

    it('When If-None-Match lists tags, weak ones or *, then any current one means 304', async () => {
      const etag = await tagOf('/movies/1');
      const other = await tagOf('/movies/2');
      for (const header of [
        `"stale", ${etag}`,
        `${other},${etag} , "more"`,
        `W/${etag}`,
        `"stale", W/${etag}`,
        '*',
        ' * ',
      ]) {
        assertNotModified(await get('/movies/1', { 'if-none-match': header }), etag, header);
      }
    });

    it('When If-None-Match names no current tag, then 200 with the body and the tag', async () => {
      const etag = await tagOf('/genres/1');
      const other = await tagOf('/genres/2');
      for (const header of [
        '"stale"',
        'W/"stale"',
        other,
        etag.slice(1, -1),
        `${etag.slice(0, -2)}"`,
        `w/${etag}`,
        '',
      ]) {
        const response = await get('/genres/1', { 'if-none-match': header });
        assert.equal(response.statusCode, 200, header);
        assert.equal(response.json<{ id: number }>().id, 1, header);
        assert.equal(etagOf(response), etag, header);
      }
    });

    it('When unknown query parameters are added, then the answer and its tag stay the same', async () => {
      const etag = await tagOf('/movies/?per_page=3');
      assert.equal(await tagOf('/movies/?per_page=3&_=1700000000'), etag);
      assert.equal(await tagOf('/movies?page=1&per_page=3&junk=x'), etag);
      assertNotModified(
        await get('/movies/?per_page=3&_=2', { 'if-none-match': etag }),
        etag,
        'cache-buster',
      );
    });

    it('When a movie is patched, then its tag and the movie lists change and the old tag gets 200', async () => {
      const urls = ['/movies/3', '/movies/', '/movies/?per_page=5', '/genres/', '/directors/3'];
      const before = Object.fromEntries(
        await Promise.all(urls.map(async (url) => [url, await tagOf(url)] as const)),
      );
      await write('PATCH', '/movies/3', { rating: 1.25 });
      const changed = await get('/movies/3', { 'if-none-match': String(before['/movies/3']) });
      assert.equal(changed.statusCode, 200);
      assert.equal(changed.json<{ rating: number }>().rating, 1.25);
      const etag = etagOf(changed);
      assert.notEqual(etag, before['/movies/3']);
      assertNotModified(await get('/movies/3', { 'if-none-match': etag }), etag, 'new tag');
      assert.notEqual(await tagOf('/movies/'), before['/movies/']);
      assert.notEqual(await tagOf('/movies/?per_page=5'), before['/movies/?per_page=5']);
      assert.equal(await tagOf('/genres/'), before['/genres/']);
      assert.equal(await tagOf('/directors/3'), before['/directors/3']);
    });

    it('When a genre is renamed, then the movies that embed it get new tags', async () => {
      const movie = (await get('/movies/4')).json<{ genre_id: number }>();
      const byGenre = `/movies/?genre_id=${movie.genre_id}`;
      const movieTag = await tagOf('/movies/4');
      const listTag = await tagOf(byGenre);
      const genreTag = await tagOf(`/genres/${movie.genre_id}`);
      await write('PATCH', `/genres/${movie.genre_id}`, { name: `Жанр ${cacheMb}` });
      const renamed = await get('/movies/4', { 'if-none-match': movieTag });
      assert.equal(renamed.statusCode, 200);
      assert.equal(renamed.json<{ genre: { name: string } }>().genre.name, `Жанр ${cacheMb}`);
      assert.notEqual(etagOf(renamed), movieTag);
      assert.equal((await get(byGenre, { 'if-none-match': listTag })).statusCode, 200);
      assert.notEqual(await tagOf(byGenre), listTag);
      assert.notEqual(await tagOf(`/genres/${movie.genre_id}`), genreTag);
    });

    it('When the total changes but not the page, then only the counted answer gets a new tag', async () => {
      // Past the end: the body ([]) and the links stay; only X-Total-Count moves.
      const url = '/directors/?page=2&per_page=100';
      const counted = await get(url, COUNTED);
      assert.equal(counted.body, '[]');
      const countedTag = etagOf(counted);
      const plainTag = await tagOf(url);
      assert.notEqual(countedTag, plainTag, 'a counted answer has headers a plain one lacks');
      assertNotModified(
        await get(url, { ...COUNTED, 'if-none-match': countedTag }),
        countedTag,
        'counted',
      );
      await write('POST', '/directors/', { name: `Counted ${cacheMb}` });
      const recounted = await get(url, { ...COUNTED, 'if-none-match': countedTag });
      assert.equal(recounted.statusCode, 200);
      assert.equal(recounted.body, '[]');
      assert.equal(
        Number(recounted.headers['x-total-count']),
        Number(counted.headers['x-total-count']) + 1,
      );
      assert.notEqual(etagOf(recounted), countedTag);
      assert.equal(await tagOf(url), plainTag);
    });

    it('When an answer is an error, then it has no ETag and If-None-Match: * does not make it 304', async () => {
      const cases = [
        await get('/movies/999999', { 'if-none-match': '*' }),
        await get('/genres/abc', { 'if-none-match': '*' }),
        await get('/movies/?sort=nonsense', { 'if-none-match': '*' }),
      ];
      assert.deepEqual(
        cases.map((response) => response.statusCode),
        [404, 400, 400],
      );
      for (const response of cases) assert.equal(response.headers.etag, undefined);
    });

    it('When a current tag comes without a valid token, then 401, not 304', async () => {
      const etag = await tagOf('/movies/1');
      for (const authorization of [undefined, 'Bearer nonsense', `Bearer ${expiredToken()}`]) {
        const response = await ctx.api
          .with({ 'if-none-match': etag, ...(authorization && { authorization }) })
          .get('/movies/1');
        assert.equal(response.statusCode, 401, String(authorization));
        assert.equal(response.headers.etag, undefined);
      }
    });

    it('When HEAD asks, then it gets the GET tag, and 304 for a current one', async () => {
      for (const url of ['/movies/1', '/genres/']) {
        const full = await get(url);
        const head = await ctx.api.with(user).request('HEAD', url);
        assert.equal(head.statusCode, 200, url);
        assert.equal(head.body, '');
        assert.equal(head.headers.etag, etagOf(full), url);
        const conditional = await ctx.api
          .with({ ...user, 'if-none-match': etagOf(full) })
          .request('HEAD', url);
        assert.equal(conditional.statusCode, 304, url);
        assert.equal(conditional.body, '');
        assert.equal(conditional.headers.etag, etagOf(full), url);
      }
    });
  });
}

describe('Cache-Control and Vary by CATALOG_READ', () => {
  it('When reading needs no token, then no-cache without private or Vary, and 304 for anyone', async () => {
    const ctx = await buildTestApp({ CATALOG_READ: 'public' });
    try {
      for (const url of CATALOG_READS) {
        const response = await ctx.api.get(url);
        assert.equal(response.statusCode, 200, url);
        assert.equal(response.headers['cache-control'], 'no-cache', url);
        assert.equal(response.headers.vary, undefined, url);
        const etag = etagOf(response);
        const again = await ctx.api.with({ 'if-none-match': etag }).get(url);
        assert.equal(again.statusCode, 304, url);
        assert.equal(again.body, '');
        assert.equal(again.headers['cache-control'], 'no-cache', url);
        assert.equal(again.headers.vary, undefined, url);
      }
    } finally {
      await ctx.app.close();
    }
  });
});

describe('Conditional reads from another origin (CORS)', () => {
  let ctx: TestContext;
  let user: Record<string, string>;

  before(async () => {
    ctx = await buildTestApp({ CORS_ORIGINS: SITE });
    user = (await signedIn(ctx, 'etag-site-reader')).headers;
  });
  after(() => ctx.app.close());

  it('When a browser asks before sending If-None-Match, then the preflight allows it', async () => {
    for (const url of ['/movies/', '/genres/1']) {
      const preflight = await ctx.api
        .with({
          origin: SITE,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization,if-none-match',
        })
        .request('OPTIONS', url);
      assert.equal(preflight.statusCode, 204);
      const allowed = String(preflight.headers['access-control-allow-headers'])
        .toLowerCase()
        .split(/,\s*/);
      assert.ok(allowed.includes('if-none-match'), allowed.join(', '));
    }
  });

  it('When a browser reads and revalidates, then it may read the ETag, and Vary keeps Origin', async () => {
    const first = await ctx.api.with({ ...user, origin: SITE }).get('/movies/1');
    const exposed = String(first.headers['access-control-expose-headers'])
      .toLowerCase()
      .split(/,\s*/);
    assert.ok(exposed.includes('etag'), exposed.join(', '));
    const etag = etagOf(first);
    const revalidated = await ctx.api
      .with({ ...user, origin: SITE, 'if-none-match': etag })
      .get('/movies/1');
    for (const response of [first, revalidated]) {
      assert.equal(response.headers['access-control-allow-origin'], SITE);
      const vary = String(response.headers.vary).split(/,\s*/);
      assert.deepEqual(vary.sort(), ['Authorization', 'Origin']);
    }
    assert.equal(revalidated.statusCode, 304);
  });
});

describe('One answer, one tag, on every instance of one database', () => {
  let shared: TestDatabase;
  const instances: TestContext[] = [];
  let server: RunningServer;
  let admin: Record<string, string>;
  let user: Record<string, string>;

  async function startInstance(overrides: Record<string, string>): Promise<TestContext> {
    const ctx = await appOnDatabase(shared.url, { CATALOG_POLL_MS: '50', ...overrides });
    instances.push(ctx);
    return ctx;
  }

  before(async () => {
    shared = await freshDatabase(
      `sqlite:${join(mkdtempSync(join(tmpdir(), 'movies-etag-')), 'movies.db')}`,
    );
    const first = await startInstance({});
    // Another process too: a tag must not depend on anything held in memory.
    [server] = await Promise.all([
      startServer({
        DATABASE_URL: shared.url,
        JWT_SECRET: TEST_SECRET,
        PBKDF2_ITERATIONS: String(TEST_ITERATIONS),
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        CATALOG_POLL_MS: '50',
      }),
      startInstance({}),
      startInstance({ RESPONSE_CACHE_MB: '0' }),
    ]);
    admin = (await signedIn(first, 'etag-instances-admin', 'admin')).headers;
    user = (await signedIn(first, 'etag-instances-reader')).headers;
  });
  after(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    for (const ctx of instances) await ctx.app.close();
    await shared.drop();
  });

  const fromServer = (url: string, headers: Record<string, string> = {}) =>
    fetch(`${server.baseUrl}${url}`, {
      headers: { ...user, ...headers },
      signal: AbortSignal.timeout(30_000),
    });

  const tagsOf = async (url: string) => {
    const inProcess = await Promise.all(
      instances.map(async ({ api }) => etagOf(await api.with(user).get(url))),
    );
    const response = await fromServer(url);
    assert.equal(response.status, 200, url);
    await response.arrayBuffer();
    return [...inProcess, String(response.headers.get('etag'))];
  };

  it('When instances with and without a cache, in and out of process, answer the same read, then they give one tag', async () => {
    for (const url of CATALOG_READS) {
      await tagsOf(url);
      const tags = await tagsOf(url);
      assert.match(String(tags[0]), STRONG_TAG, url);
      assert.equal(new Set(tags).size, 1, `${url}: ${tags.join(' ')}`);
    }
  });

  it('When fetch revalidates over a socket with no-cache, then 304 with no body', async () => {
    const [etag] = await tagsOf('/directors/2');
    const response = await fromServer('/directors/2', {
      'if-none-match': String(etag),
      'cache-control': 'no-cache',
    });
    assert.equal(response.status, 304);
    assert.equal(await response.text(), '');
    assert.equal(response.headers.get('etag'), etag);
    assert.equal(response.headers.get('cache-control'), 'no-cache, private');
  });

  it('When one instance writes, then every instance soon gives the same new tag', async () => {
    const [writer] = instances;
    assert.ok(writer);
    const [before] = await tagsOf('/movies/5');
    const patched = await writer.api.with(admin).patch('/movies/5', { title: 'Tagged everywhere' });
    assert.equal(patched.statusCode, 204);
    const deadline = Date.now() + 5000;
    for (;;) {
      const tags = await tagsOf('/movies/5');
      if (tags.every((tag) => tag !== before)) {
        assert.equal(new Set(tags).size, 1, tags.join(' '));
        break;
      }
      assert.ok(Date.now() < deadline, `an instance kept the old tag: ${tags.join(' ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});
