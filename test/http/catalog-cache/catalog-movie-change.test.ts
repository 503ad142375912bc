import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  apiOf,
  appOnDatabase,
  freshDatabase,
  onPostgres,
  signedIn,
  type TestContext,
  type TestDatabase,
} from '../../helpers.js';

// A change to one movie drops the cached answers that show it or whose filters or order read a
// field it changed; the others stay. The demo catalog (20 movies) is what the URLs below select.
let shared: TestDatabase;
let ctx: TestContext;
let other: TestContext;
let user: Record<string, string>;
let admin: Record<string, string>;

before(async () => {
  shared = await freshDatabase(
    `sqlite:${join(mkdtempSync(join(tmpdir(), 'movies-change-')), 'movies.db')}`,
  );
  // Neither instance polls the versions during the test, nor (PostgreSQL) hears notifications,
  // which may arrive before or after the writer's own report: what each drops is its own doing.
  const quiet = {
    CATALOG_POLL_MS: '3600000',
    ...(onPostgres ? { DATABASE_LISTEN_URL: 'postgres://nobody@127.0.0.1:9/none' } : {}),
  };
  ctx = await appOnDatabase(shared.url, quiet);
  other = await appOnDatabase(shared.url, quiet);
  user = (await signedIn(ctx, 'change-reader')).headers;
  admin = (await signedIn(ctx, 'change-admin', 'admin')).headers;
});
after(async () => {
  await ctx.app.close();
  await other.app.close();
  await shared.drop();
});

interface MovieJson {
  id: number;
  rating: number | null;
  year: number | null;
  genre_id: number | null;
}

async function read(url: string, app = ctx.app): Promise<{ cached: boolean; body: unknown }> {
  assert.ok(app.catalogCache, 'the cache is on');
  const hits = app.catalogCache.stats.hits;
  const response = await apiOf(app).with(user).get(url);
  assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
  return { cached: app.catalogCache.stats.hits > hits, body: response.json() };
}

const idsOf = (body: unknown) => (body as MovieJson[]).map(({ id }) => id);

/** Reads every URL twice, so that each is cached, and gives the ids each list shows. */
async function cacheAll(urls: string[]): Promise<void> {
  for (const url of urls) await read(url);
  for (const url of urls) assert.equal((await read(url)).cached, true, `${url} is cached`);
}

async function patch(id: number, fields: object, app = ctx.app): Promise<void> {
  const response = await apiOf(app).with(admin).patch(`/movies/${id}`, fields);
  assert.equal(response.statusCode, 204, response.body);
}

/** Which of these URLs the cache answers now. */
async function cachedNow(urls: string[]): Promise<Record<string, boolean>> {
  const outcome: Record<string, boolean> = {};
  for (const url of urls) outcome[url] = (await read(url)).cached;
  return outcome;
}

describe('What a change to one movie drops from the cache', () => {
  it('When a movie is rerated, then the answers showing it or sorted by rating go, the others stay', async () => {
    const stay = [
      '/movies/2',
      '/movies/?genre_id=4',
      '/movies/?page=2&per_page=5',
      '/movies/?director_id=2',
      '/movies/?q=дюна',
      '/movies/?status=new&per_page=3',
      '/movies/?sort=title&per_page=3&page=2',
      '/genres/',
      '/directors/',
    ];
    const go = [
      '/movies/',
      '/movies/3',
      '/movies/?genre_id=17',
      '/movies/?page=1&per_page=5',
      '/movies/?sort=-rating&per_page=2',
    ];
    await cacheAll([...stay, ...go]);
    for (const url of stay.filter((url) => url.startsWith('/movies/?'))) {
      assert.ok(!idsOf((await read(url)).body).includes(3), `${url} does not show movie 3`);
    }
    await patch(3, { rating: 9.9 });
    assert.deepEqual(await cachedNow([...stay, ...go]), {
      ...Object.fromEntries(stay.map((url) => [url, true])),
      ...Object.fromEntries(go.map((url) => [url, false])),
    });
    assert.equal(((await read('/movies/3')).body as MovieJson).rating, 9.9);
    assert.deepEqual(idsOf((await read('/movies/?sort=-rating&per_page=2')).body), [3, 1]);
    const listed = (await read('/movies/')).body as MovieJson[];
    assert.equal(listed.find(({ id }) => id === 3)?.rating, 9.9);
  });

  it('When a movie gets another year, then the lists filtered or sorted by year go', async () => {
    const urls = ['/movies/?year=2018', '/movies/?status=new&per_page=3', '/movies/?sort=-year'];
    const stay = ['/movies/?page=1&per_page=5', '/movies/?sort=-rating&per_page=2'];
    await cacheAll([...urls, ...stay]);
    for (const url of ['/movies/?year=2018', ...stay]) {
      assert.ok(!idsOf((await read(url)).body).includes(6), `${url} does not show movie 6`);
    }
    await patch(6, { year: 2022 });
    assert.deepEqual(await cachedNow([...urls, ...stay]), {
      ...Object.fromEntries(urls.map((url) => [url, false])),
      ...Object.fromEntries(stay.map((url) => [url, true])),
    });
    assert.deepEqual(idsOf((await read('/movies/?status=new&per_page=3')).body)[0], 6);
  });

  it('When a movie moves to another genre, then the lists of both genres go and show it where it now is', async () => {
    await cacheAll(['/movies/?genre_id=17', '/movies/?genre_id=4', '/movies/?director_id=5']);
    await patch(2, { genre_id: 17 });
    assert.deepEqual(
      await cachedNow(['/movies/?genre_id=17', '/movies/?genre_id=4', '/movies/?director_id=5']),
      {
        '/movies/?genre_id=17': false,
        '/movies/?genre_id=4': false,
        '/movies/?director_id=5': true,
      },
    );
    assert.ok(idsOf((await read('/movies/?genre_id=17')).body).includes(2));
    assert.ok(!idsOf((await read('/movies/?genre_id=4')).body).includes(2));
  });

  it('When a movie is renamed, then searches and title orders go', async () => {
    const urls = ['/movies/?q=дюна', '/movies/?sort=title&per_page=3&page=2'];
    await cacheAll([...urls, '/movies/?page=1&per_page=5']);
    await patch(20, { title: 'Дюна: часть вторая' });
    assert.deepEqual(await cachedNow([...urls, '/movies/?page=1&per_page=5']), {
      '/movies/?q=дюна': false,
      '/movies/?sort=title&per_page=3&page=2': false,
      '/movies/?page=1&per_page=5': true,
    });
    assert.deepEqual(idsOf((await read('/movies/?q=дюна')).body), [12, 20]);
  });

  it('When a movie is replaced, then every filtered or sorted list goes, unsorted pages without it stay', async () => {
    const go = ['/movies/?genre_id=4', '/movies/?sort=rating', '/movies/5'];
    const stay = ['/movies/?page=2&per_page=5', '/movies/6'];
    await cacheAll([...go, ...stay]);
    const response = await ctx.api
      .with(admin)
      .put('/movies/5', { title: 'Рокетмен', year: 2019, genre_id: 18 });
    assert.equal(response.statusCode, 204, response.body);
    assert.deepEqual(await cachedNow([...go, ...stay]), {
      ...Object.fromEntries(go.map((url) => [url, false])),
      ...Object.fromEntries(stay.map((url) => [url, true])),
    });
    assert.equal(((await read('/movies/5')).body as MovieJson).rating, null);
  });

  it("When another instance changed a movie first, then this instance's next change does not pass for the only one", async () => {
    const page = '/movies/?page=2&per_page=5';
    await cacheAll([page, '/genres/']);
    assert.deepEqual(idsOf((await read(page)).body), [6, 7, 8, 9, 10]);
    // Movie 7 is on the cached page; this instance has not heard of the other's write.
    await patch(7, { rating: 1.5 }, other.app);
    await patch(3, { rating: 2.5 });
    const seen = await read(page);
    assert.equal(seen.cached, false);
    assert.equal((seen.body as MovieJson[]).find(({ id }) => id === 7)?.rating, 1.5);
    assert.equal((await read('/genres/')).cached, true, 'a movie write leaves genres cached');
  });
});
