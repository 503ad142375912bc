import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, expiredToken, type TestContext } from '../helpers.js';
import { origin, siteSettings } from '../site-client.js';

let ctx: TestContext;

before(async () => {
  ctx = await buildTestApp(siteSettings);
});
after(() => ctx.app.close());

describe('Anonymous browsing (CATALOG_READ=public)', () => {
  it('When the site sends "Bearer undefined" or an expired token, then catalog reads still answer', async () => {
    const expired = expiredToken();
    for (const authorization of ['Bearer undefined', `Bearer ${expired}`]) {
      for (const url of [
        '/movies/?status=new&per_page=8',
        '/genres/',
        '/directors/1/',
        '/movies/1/',
      ]) {
        const response = await ctx.api.with({ ...origin, authorization }).get(url);
        assert.equal(response.statusCode, 200, `${authorization.slice(0, 20)} ${url}`);
      }
    }
    const write = await ctx.api
      .with({ ...origin, authorization: 'Bearer undefined' })
      .post('/genres/', { name: 'x' });
    assert.equal(write.statusCode, 401);
  });
});
