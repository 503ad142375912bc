import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../../src/app.js';
import { openPreparedDatabase } from '../../../src/db/prepare.js';
import { buildTestApp, onPostgres, signedIn, testConfig, type TestContext } from '../../helpers.js';

let ctx: TestContext;
let user: Record<string, string>;
let admin: Record<string, string>;

before(async () => {
  ctx = await buildTestApp();
  user = (await signedIn(ctx, 'resource-reader')).headers;
  admin = (await signedIn(ctx, 'resource-admin', 'admin')).headers;
});
after(() => ctx.app.close());

function cacheOf(app: TestContext['app']) {
  assert.ok(app.catalogCache, 'the cache is on');
  return app.catalogCache;
}

/** Reads each URL and says whether the cache answered it. */
async function served(urls: string[], app = ctx.app): Promise<Record<string, 'hit' | 'miss'>> {
  const cache = cacheOf(app);
  const outcome: Record<string, 'hit' | 'miss'> = {};
  for (const url of urls) {
    const hits = cache.stats.hits;
    const response = await app.inject({ method: 'GET', url, headers: user });
    assert.equal(response.statusCode, 200, url);
    outcome[url] = cache.stats.hits > hits ? 'hit' : 'miss';
  }
  return outcome;
}

const everyone = (urls: string[], verdict: 'hit' | 'miss') =>
  Object.fromEntries(urls.map((url) => [url, verdict]));

const write = async (
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
) => {
  const response = await ctx.api.with(admin).request(method, url, payload);
  assert.ok(response.statusCode < 300, `${method} ${url}: ${response.statusCode} ${response.body}`);
  return response;
};

const MOVIES = ['/movies/', '/movies/2', '/movies/?genre_id=9'];
const GENRES = ['/genres/', '/genres/9'];
const DIRECTORS = ['/directors/', '/directors/3'];
const ALL = [...MOVIES, ...GENRES, ...DIRECTORS];

async function cachedEverything(): Promise<void> {
  await served(ALL);
  assert.deepEqual(await served(ALL), everyone(ALL, 'hit'));
}

describe('What a write drops from the cache', () => {
  it('When a movie is created, changed or deleted, then genre and director answers stay cached', async () => {
    await cachedEverything();
    const created = await write('POST', '/movies/', { title: 'Resource test', genre_id: 9 });
    const id = created.json<{ id: number }>().id;
    await write('PATCH', `/movies/${id}`, { rating: 5 });
    await write('DELETE', `/movies/${id}`);
    assert.deepEqual(await served(ALL), {
      ...everyone(MOVIES, 'miss'),
      ...everyone([...GENRES, ...DIRECTORS], 'hit'),
    });
  });

  it('When a genre is renamed, created or deleted, then genre and movie answers go, director answers stay', async () => {
    await cachedEverything();
    await write('PATCH', '/genres/9', { name: 'Документалистика' });
    assert.deepEqual(await served(ALL), {
      ...everyone([...MOVIES, ...GENRES], 'miss'),
      ...everyone(DIRECTORS, 'hit'),
    });
    const movie = await ctx.api.with(user).get('/movies/?genre_id=9');
    assert.equal(movie.json<{ genre: { name: string } }[]>()[0]?.genre.name, 'Документалистика');
    const created = await write('POST', '/genres/', { name: 'Resource genre' });
    assert.deepEqual(await served(ALL), {
      ...everyone([...MOVIES, ...GENRES], 'miss'),
      ...everyone(DIRECTORS, 'hit'),
    });
    await write('DELETE', `/genres/${created.json<{ id: number }>().id}`);
    assert.equal((await served(['/genres/']))['/genres/'], 'miss');
  });

  it('When a director is renamed, then director and movie answers go, genre answers stay', async () => {
    await cachedEverything();
    await write('PUT', '/directors/3', { name: 'Renamed director' });
    assert.deepEqual(await served(ALL), {
      ...everyone([...MOVIES, ...DIRECTORS], 'miss'),
      ...everyone(GENRES, 'hit'),
    });
  });

  it('When users and favourites are written, then nothing is dropped', async () => {
    const member = await signedIn(ctx, 'resource-member');
    await cachedEverything();
    const entries = cacheOf(ctx.app).usage.entries;
    const writes: { method: 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: object }[] = [
      { method: 'POST', url: '/favorites/movies/3/' },
      { method: 'DELETE', url: '/favorites/movies/3/' },
      { method: 'PATCH', url: '/user/', payload: { name: 'Ann' } },
    ];
    for (const { method, url, payload } of writes) {
      const response = await ctx.api.as(member).request(method, url, payload);
      assert.equal(response.statusCode, 204, `${method} ${url}`);
    }
    await write('POST', '/users/', { username: 'made-by-admin', password: 'made-password' });
    await write('PATCH', `/users/${member.id}`, { surname: 'Lee' });
    assert.equal(cacheOf(ctx.app).usage.entries, entries);
    assert.deepEqual(await served(ALL), everyone(ALL, 'hit'));
  });

  it('When a movie is written behind the service (the CLI, another instance), then only movie answers go', async () => {
    await cachedEverything();
    await ctx.db.updateTable('movies').set({ rating: 1.5 }).where('id', '=', 2).execute();
    const deadline = Date.now() + 5000;
    for (;;) {
      const movie = await ctx.api.with(user).get('/movies/2');
      if (movie.json<{ rating: number }>().rating === 1.5) break;
      assert.ok(Date.now() < deadline, 'the change was never seen');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(
      await served([...GENRES, ...DIRECTORS]),
      everyone([...GENRES, ...DIRECTORS], 'hit'),
    );
  });
});

describe('Another instance on PostgreSQL', { skip: !onPostgres && 'needs PostgreSQL' }, () => {
  it('When another instance writes, then this one hears of it without waiting for its poll', async () => {
    const config = testConfig({
      DATABASE_URL: ctx.config.databaseUrl,
      CATALOG_POLL_MS: '600000',
      CATALOG_POLL_WHILE_LISTENING_MS: '600000',
    });
    const database = await openPreparedDatabase(config);
    const other = await buildApp({ config, db: database.db });
    try {
      const deadline = Date.now() + 5000;
      while (!cacheOf(other).listening) {
        assert.ok(Date.now() < deadline, 'the other instance never listened');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const read = async () =>
        (await other.inject({ method: 'GET', url: '/genres/4', headers: user })).json<{
          name: string;
        }>().name;
      const before = await read();
      assert.equal(await read(), before);
      await write('PATCH', '/genres/4', { name: `${before} (renamed)` });
      while ((await read()) !== `${before} (renamed)`) {
        assert.ok(Date.now() < deadline + 5000, 'the rename never reached the other instance');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await other.close();
      await database.db.destroy();
    }
  });
});
