import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { buildApp } from '../../../src/app.js';
import { catalogScope } from '../../../src/http/catalog-cache/hooks.js';
import { readCatalogVersions } from '../../../src/db/catalog-version.js';
import type { CatalogResource, CatalogVersions } from '../../../src/shared/catalog-resources.js';
import { apiOf, buildTestApp, signedIn, type Api, type TestContext } from '../../helpers.js';

// Every catalog route against its declaration: each write goes through the caching instance, and
// every cached read is compared with the database's own answer (an instance without a cache).

let ctx: TestContext;
let uncached: TestContext['app'];
let user: Record<string, string>;
let admin: Api;

before(async () => {
  ctx = await buildTestApp();
  uncached = await buildApp({ config: { ...ctx.config, responseCacheMb: 0 }, db: ctx.db });
  user = (await signedIn(ctx, 'declared-reader')).headers;
  admin = ctx.api.with((await signedIn(ctx, 'declared-admin', 'admin')).headers);
});
after(async () => {
  await uncached.close();
  await ctx.app.close();
});

/** Sample URLs of each cached read route: lists filtered and sorted by every column a write sets. */
const READS: Record<string, string[]> = {
  'GET /movies/': [
    '/movies/',
    '/movies/?genre_id=4',
    '/movies/?director_id=3',
    '/movies/?year=2010',
    '/movies/?q=a',
    '/movies/?sort=-rating',
    '/movies/?sort=title',
    '/movies/?status=new',
    '/movies/?page=2&per_page=3',
  ],
  'GET /movies/:id': ['/movies/2', '/movies/5'],
  'GET /genres/': ['/genres/'],
  'GET /genres/:id': ['/genres/4'],
  'GET /directors/': ['/directors/'],
  'GET /directors/:id': ['/directors/3'],
};

interface Write {
  readonly route: string;
  readonly send: () => Promise<{ statusCode: number; body: string }>;
}

const created: Record<string, number> = {};
const idOf = (body: string) => (JSON.parse(body) as { id: number }).id;
const keep = (name: string) => async (response: { statusCode: number; body: string }) => {
  created[name] = idOf(response.body);
  return response;
};

/** One write through every write route, each changing what a sample read shows. */
const WRITES: Write[] = [
  {
    route: 'POST /genres/',
    send: () => admin.post('/genres/', { name: 'Declared' }).then(keep('genre')),
  },
  { route: 'PUT /genres/:id', send: () => admin.put('/genres/4', { name: 'Renamed genre' }) },
  { route: 'PATCH /genres/:id', send: () => admin.patch('/genres/4', { name: 'Genre, again' }) },
  {
    route: 'POST /directors/',
    send: () => admin.post('/directors/', { name: 'Declared' }).then(keep('director')),
  },
  {
    route: 'PUT /directors/:id',
    send: () => admin.put('/directors/3', { name: 'Renamed director' }),
  },
  {
    route: 'PATCH /directors/:id',
    send: () => admin.patch('/directors/3', { name: 'Director, again' }),
  },
  {
    route: 'POST /movies/',
    send: () =>
      admin
        .post('/movies/', {
          title: 'A declared film',
          year: 2010,
          rating: 9.9,
          genre_id: 4,
          director_id: 3,
        })
        .then(keep('movie')),
  },
  { route: 'PATCH /movies/:id', send: () => admin.patch('/movies/5', { rating: 0.5, year: 2010 }) },
  {
    route: 'PUT /movies/:id',
    send: () => admin.put('/movies/2', { title: 'Aaa first by title', genre_id: 17 }),
  },
  { route: 'DELETE /movies/:id', send: () => admin.delete(`/movies/${created.movie}`) },
  { route: 'DELETE /genres/:id', send: () => admin.delete(`/genres/${created.genre}`) },
  { route: 'DELETE /directors/:id', send: () => admin.delete(`/directors/${created.director}`) },
];

const URLS = Object.entries(READS).flatMap(([route, urls]) => urls.map((url) => ({ route, url })));

async function answers(app: TestContext['app']): Promise<Record<string, string>> {
  const api = apiOf(app, user);
  const seen: Record<string, string> = {};
  for (const { url } of URLS) {
    const response = await api.get(url);
    assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
    seen[url] = response.body;
  }
  return seen;
}

const moved = (before: CatalogVersions, after: CatalogVersions) =>
  (Object.keys(before) as CatalogResource[]).filter((table) => before[table] !== after[table]);

describe('Every catalog route against what it declares', () => {
  it('When the routes are listed, then every read and every write has a case here', () => {
    const declared = ctx.app.catalogRoutes.map((route) => `${route.method} ${route.url}`);
    const tested = [...Object.keys(READS), ...WRITES.map((write) => write.route)];
    assert.deepEqual([...declared].sort(), [...tested].sort());
  });

  it('When a catalog read is registered without its tables, then the server does not start', async () => {
    const app = Fastify();
    const start = async () => {
      await app.register(async (scope) => {
        catalogScope(scope, null, 'public');
        scope.get('/undeclared', async () => []);
      });
      await app.ready();
    };
    await assert.rejects(start, /GET \/undeclared: a catalog read must declare/);
    await app.close();
  });

  it('When each write goes through, then every cached read answers as the database does, and a changed answer read a table the write moved', async () => {
    const readsOf = new Map(ctx.app.catalogRoutes.map((r) => [`${r.method} ${r.url}`, r.reads]));
    for (const write of WRITES) {
      await answers(ctx.app);
      await answers(ctx.app); // now from the cache
      const versionsBefore = await readCatalogVersions(ctx.db);
      const truthBefore = await answers(uncached);
      const response = await write.send();
      assert.ok(
        response.statusCode < 300,
        `${write.route}: ${response.statusCode} ${response.body}`,
      );
      const tables = moved(versionsBefore, await readCatalogVersions(ctx.db));
      const truth = await answers(uncached);
      const cached = await answers(ctx.app);
      let changed = 0;
      for (const { route, url } of URLS) {
        assert.equal(cached[url], truth[url], `after ${write.route}, GET ${url} is stale`);
        if (truth[url] === truthBefore[url]) continue;
        changed += 1;
        const reads = readsOf.get(route) ?? [];
        assert.ok(
          reads.some((table) => tables.includes(table)),
          `${write.route} changed GET ${url}, which declares [${reads.join(', ')}]; the write moved [${tables.join(', ')}]`,
        );
      }
      assert.ok(changed > 0, `${write.route} changed no sample answer: the case proves nothing`);
    }
  });
});
