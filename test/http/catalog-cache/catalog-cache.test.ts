import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readCatalogVersions } from '../../../src/db/catalog-version.js';
import { buildTestApp, signedIn, type TestContext } from '../../helpers.js';

let ctx: TestContext;
let user: Record<string, string>;
let admin: Record<string, string>;

before(async () => {
  ctx = await buildTestApp();
  user = (await signedIn(ctx, 'cache-reader')).headers;
  admin = (await signedIn(ctx, 'cache-admin', 'admin')).headers;
});
after(() => ctx.app.close());

// Every catalog table's version added up: moves whenever any of them is written.
async function readCatalogVersion(db: TestContext['db']): Promise<number> {
  const versions = await readCatalogVersions(db);
  return versions.movies + versions.genres + versions.directors;
}

const get = (url: string, headers = user) => ctx.api.with(headers).get(url);

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Cached catalog answers', () => {
  it('When a movie is changed, then the very next read shows it', async () => {
    assert.equal((await get('/movies/2')).json<{ rating: number }>().rating, 7.8);
    assert.equal((await get('/movies/2')).json<{ rating: number }>().rating, 7.8);
    const patched = await ctx.api.with(admin).patch('/movies/2', { rating: 9.9 });
    assert.equal(patched.statusCode, 204);
    assert.equal((await get('/movies/2')).json<{ rating: number }>().rating, 9.9);
  });

  it('When a genre is renamed, then cached movie lists show the new name at once', async () => {
    const before = (await get('/movies/?genre_id=9')).json<{ genre: { name: string } }[]>();
    assert.equal(before[0]?.genre.name, 'Документальное');
    await ctx.api.with(admin).put('/genres/9', { name: 'Документалистика' });
    const after = (await get('/movies/?genre_id=9')).json<{ genre: { name: string } }[]>();
    assert.equal(after[0]?.genre.name, 'Документалистика');
  });

  it('When a movie is created or deleted, then lists follow at once', async () => {
    const count = async () => (await get('/movies/?year=2010')).json<unknown[]>().length;
    const before = await count();
    const created = await ctx.api.with(admin).post('/movies/', { title: 'Cache test', year: 2010 });
    assert.equal(await count(), before + 1);
    await ctx.api.with(admin).delete(`/movies/${created.json<{ id: number }>().id}`);
    assert.equal(await count(), before);
  });

  it('When the database changes behind the service (another instance), then reads follow within a poll', async () => {
    assert.equal((await get('/directors/3')).json<{ name: string }>().name, 'Владимир Вайншток');
    await ctx.db
      .updateTable('directors')
      .set({ name: 'Changed elsewhere' })
      .where('id', '=', 3)
      .execute();
    await eventually(
      async () => (await get('/directors/3')).json<{ name: string }>().name === 'Changed elsewhere',
      'the change was seen',
    );
  });

  it('When an answer comes from the cache, then its Link header comes too', async () => {
    const first = await get('/genres/?per_page=5');
    const second = await get('/genres/?per_page=5');
    assert.equal(second.headers.link, first.headers.link);
    assert.match(String(second.headers.link), /after=/);
    assert.equal(second.body, first.body);
    assert.match(String(second.headers['content-type']), /^application\/json; charset=utf-8/);
  });

  it('When a cached URL is asked without a token, then it is still 401', async () => {
    await get('/movies/1');
    const anonymous = await ctx.api.get('/movies/1');
    assert.equal(anonymous.statusCode, 401);
  });
});

describe('The catalog version', () => {
  it('When movies, genres or directors are written, then the version moves', async () => {
    const writes = [
      () =>
        ctx.db
          .insertInto('genres')
          .values({ name: 'Version test', name_key: 'version test' })
          .execute(),
      () =>
        ctx.db
          .updateTable('genres')
          .set({ name: 'Version test 2' })
          .where('name_key', '=', 'version test')
          .execute(),
      () => ctx.db.deleteFrom('genres').where('name_key', '=', 'version test').execute(),
      () => ctx.db.updateTable('movies').set({ rating: 1 }).where('id', '=', 20).execute(),
      () => ctx.db.updateTable('directors').set({ name: 'x' }).where('id', '=', 20).execute(),
    ];
    for (const write of writes) {
      const before = await readCatalogVersion(ctx.db);
      await write();
      assert.ok((await readCatalogVersion(ctx.db)) > before);
    }
    const before = await readCatalogVersion(ctx.db);
    await ctx.db
      .updateTable('users')
      .set({ role: 'user' })
      .where('username', '=', 'cache-reader')
      .execute();
    assert.equal(await readCatalogVersion(ctx.db), before, 'users are not part of the catalog');
  });
});
