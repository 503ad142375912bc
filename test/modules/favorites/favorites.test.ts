import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, signedIn, type TestContext } from '../../helpers.js';
import { origin, registerAndLogin, siteSettings } from '../../site-client.js';

let ctx: TestContext;
let admin: Record<string, string>;

before(async () => {
  ctx = await buildTestApp(siteSettings);
  admin = (await signedIn(ctx, 'site-admin', 'admin')).headers;
});
after(() => ctx.app.close());

describe('Favourites', () => {
  it('When movies are added, added again and removed, then the list is most recent first, without repeats', async () => {
    const me = await registerAndLogin(ctx, 'fan@example.com');
    const favourites = async () =>
      (await ctx.api.as(me).get('/favorites/movies/')).json<{ id: number; genre: unknown }[]>();
    // No body and no content type, as the site sends them.
    for (const id of [3, 5, 3]) {
      const added = await ctx.api.as(me).post(`/favorites/movies/${id}/`);
      assert.equal(added.statusCode, 204, added.body);
    }
    const list = await favourites();
    assert.deepEqual(
      list.map((movie) => movie.id),
      [5, 3],
    );
    assert.ok(list[0]?.genre, 'full movie objects');
    assert.equal((await ctx.api.as(me).delete('/favorites/movies/5/')).statusCode, 204);
    assert.equal(
      (await ctx.api.as(me).delete('/favorites/movies/5')).statusCode,
      204,
      'not there: fine',
    );
    assert.deepEqual(
      (await favourites()).map((movie) => movie.id),
      [3],
    );
    for (const method of ['POST', 'DELETE'] as const) {
      assert.equal(
        (await ctx.api.as(me).request(method, '/favorites/movies/99999/')).statusCode,
        404,
      );
      assert.equal((await ctx.api.as(me).request(method, '/favorites/movies/x/')).statusCode, 400);
    }
    assert.equal((await ctx.api.with(origin).get('/favorites/movies/')).statusCode, 401);
  });

  it('When a favourite movie is deleted, then it leaves every list', async () => {
    const first = await registerAndLogin(ctx, 'fan1@example.com');
    const second = await registerAndLogin(ctx, 'fan2@example.com');
    const movie = await ctx.api.with(admin).post('/movies/', { title: 'Скоро удалят' });
    const movieId = movie.json<{ id: number }>().id;
    for (const fan of [first, second]) await ctx.api.as(fan).post(`/favorites/movies/${movieId}/`);
    assert.equal((await ctx.api.with(admin).delete(`/movies/${movieId}`)).statusCode, 204);
    for (const fan of [first, second]) {
      const list = await ctx.api.as(fan).get('/favorites/movies/');
      assert.deepEqual(list.json(), []);
    }
  });
});
