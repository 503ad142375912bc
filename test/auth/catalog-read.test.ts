import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, expiredToken, signedIn, type TestContext } from '../helpers.js';

describe('CATALOG_READ=public', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp({ CATALOG_READ: 'public' });
  });
  after(() => ctx.app.close());

  it('When anonymous, then every catalog GET answers', async () => {
    for (const url of [
      '/movies/',
      '/movies/1',
      '/genres/',
      '/genres/1',
      '/directors',
      '/directors/1/',
    ]) {
      assert.equal((await ctx.api.get(url)).statusCode, 200, url);
    }
  });

  it('When the token is "undefined", garbage or expired, then it is ignored on catalog reads', async () => {
    const expired = expiredToken();
    for (const authorization of ['Bearer undefined', 'Bearer', `Bearer ${expired}`, 'Basic abc']) {
      const response = await ctx.api.with({ authorization }).get('/movies/');
      assert.equal(response.statusCode, 200, authorization);
    }
  });

  it('When anonymous writes or reads users, then the roles table still applies', async () => {
    assert.equal((await ctx.api.post('/genres/', { name: 'x' })).statusCode, 401);
    assert.equal((await ctx.api.get('/users/')).statusCode, 401);
    const user = await signedIn(ctx, 'public-user');
    const write = await ctx.api.as(user).post('/genres/', { name: 'x' });
    assert.equal(write.statusCode, 403);
  });
});

describe('CATALOG_READ=authenticated (default)', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.app.close());

  it('When anonymous, then catalog reads are 401', async () => {
    for (const url of ['/movies/', '/genres/1', '/directors/']) {
      assert.equal((await ctx.api.get(url)).statusCode, 401, url);
    }
  });
});
