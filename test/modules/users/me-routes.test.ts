import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, errorBody, signedIn, type TestContext } from '../../helpers.js';
import { registerAndLogin, siteSettings } from '../../site-client.js';

let ctx: TestContext;
let admin: Record<string, string>;

before(async () => {
  ctx = await buildTestApp(siteSettings);
  admin = (await signedIn(ctx, 'site-admin', 'admin')).headers;
});
after(() => ctx.app.close());

describe('Profile', () => {
  it('When the profile is changed with favourite_genre as "4", then it reads back as the number 4', async () => {
    const me = await registerAndLogin(ctx, 'profile@example.com');
    const patched = await ctx.api
      .as(me)
      .patch('/user/', { name: 'Анна', surname: 'Иванова', favourite_genre: '4' });
    assert.equal(patched.statusCode, 204, patched.body);
    const read = await ctx.api.as(me).get('/user/');
    assert.deepEqual(read.json(), {
      id: me.id,
      username: 'profile@example.com',
      role: 'user',
      email: 'profile@example.com',
      name: 'Анна',
      surname: 'Иванова',
      favourite_genre: 4,
    });
    assert.equal((await ctx.api.as(me).patch('/user/', { favourite_genre: 7 })).statusCode, 204);
    assert.equal((await ctx.api.as(me).patch('/user/', { favourite_genre: null })).statusCode, 204);
    assert.equal(
      (await ctx.api.as(me).get('/user/')).json<{
        favourite_genre: unknown;
      }>().favourite_genre,
      null,
    );
  });

  it('When the profile is invalid, then 400 naming the field, nothing stored', async () => {
    const me = await registerAndLogin(ctx, 'bad-profile@example.com');
    const cases: [Record<string, unknown>, string][] = [
      [{ favourite_genre: '999' }, 'favourite_genre'],
      [{ favourite_genre: 'four' }, 'favourite_genre'],
      [{ favourite_genre: '04' }, 'favourite_genre'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ surname: 5 }, 'surname'],
      [{ role: 'admin' }, 'role'],
    ];
    for (const [payload, field] of cases) {
      const response = await ctx.api.as(me).patch('/user/', payload);
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.ok(
        errorBody(response).errors?.[field],
        `${JSON.stringify(payload)}: ${response.body}`,
      );
    }
    assert.equal(
      (await ctx.api.as(me).get('/user/')).json<{
        name: string;
      }>().name,
      '',
    );
  });

  it('When the favourite genre is deleted, then the profile forgets it', async () => {
    const me = await registerAndLogin(ctx, 'genre-gone@example.com');
    const genre = await ctx.api.with(admin).post('/genres/', { name: 'Короткий жанр' });
    const genreId = genre.json<{ id: number }>().id;
    await ctx.api.as(me).patch('/user/', { favourite_genre: String(genreId) });
    assert.equal((await ctx.api.with(admin).delete(`/genres/${genreId}`)).statusCode, 204);
    assert.equal(
      (await ctx.api.as(me).get('/user/')).json<{
        favourite_genre: unknown;
      }>().favourite_genre,
      null,
    );
  });

  it('When the password is changed, then a wrong old one is 400, and the right one revokes refresh tokens', async () => {
    const me = await registerAndLogin(ctx, 'password@example.com', 'old-password');
    const wrong = await ctx.api
      .as(me)
      .put('/user/password/', { old_password: 'not-it-at-all', new_password: 'new-password' });
    assert.equal(wrong.statusCode, 400);
    assert.ok(errorBody(wrong).errors?.old_password);
    const short = await ctx.api
      .as(me)
      .put('/user/password/', { old_password: 'old-password', new_password: 'short' });
    assert.equal(short.statusCode, 400);
    const changed = await ctx.api
      .as(me)
      .put('/user/password/', { old_password: 'old-password', new_password: 'new-password' });
    assert.equal(changed.statusCode, 204);
    const refresh = await ctx.api.put('/auth/login/', { refresh_token: me.tokens.refresh_token });
    assert.equal(refresh.statusCode, 401);
    const oldLogin = await ctx.api.post('/auth/login/', {
      email: 'password@example.com',
      password: 'old-password',
    });
    assert.equal(oldLogin.statusCode, 401);
    const newLogin = await ctx.api.post('/auth/login/', {
      email: 'password@example.com',
      password: 'new-password',
    });
    assert.equal(newLogin.statusCode, 201);
  });
});
