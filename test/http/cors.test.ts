import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestContext } from '../helpers.js';
import { SITE, origin, siteSettings } from '../site-client.js';

let ctx: TestContext;

before(async () => {
  ctx = await buildTestApp(siteSettings);
});
after(() => ctx.app.close());

describe('CORS', () => {
  it('When a preflight comes for any method on any path, slash or not, then it is answered without a token', async () => {
    for (const url of [
      '/movies/',
      '/movies',
      '/favorites/movies/3/',
      '/favorites/movies/3',
      '/auth/login/',
      '/user/password/',
      '/user',
    ]) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        const response = await ctx.api
          .with({
            origin: SITE,
            'access-control-request-method': method,
            'access-control-request-headers': 'authorization,content-type',
          })
          .request('OPTIONS', url);
        assert.equal(response.statusCode, 204, `${method} ${url}`);
        assert.equal(response.headers['access-control-allow-origin'], SITE);
        const methods = String(response.headers['access-control-allow-methods']).split(/,\s*/);
        for (const wanted of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
          assert.ok(methods.includes(wanted), `${wanted} allowed`);
        const headers = String(response.headers['access-control-allow-headers'])
          .toLowerCase()
          .split(/,\s*/);
        assert.ok(
          headers.includes('authorization') && headers.includes('content-type'),
          String(response.headers['access-control-allow-headers']),
        );
      }
    }
  });

  it('When an answer is an error (401, 404, 400), then it carries the CORS headers too', async () => {
    const cases = [
      await ctx.api.with(origin).get('/user/'),
      await ctx.api.with(origin).get('/movies/99999'),
      await ctx.api.with(origin).get('/nowhere'),
      await ctx.api.with(origin).post('/auth/login/', { email: 1 }),
    ];
    assert.deepEqual(
      cases.map((r) => r.statusCode),
      [401, 404, 404, 400],
    );
    for (const response of cases) {
      assert.equal(response.headers['access-control-allow-origin'], SITE);
      assert.match(String(response.headers['access-control-expose-headers']), /Link/);
    }
  });

  it('When the origin is not listed, then no CORS header allows it', async () => {
    const response = await ctx.api.with({ origin: 'http://evil.example' }).get('/movies/1');
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  });

  it('When CORS_ORIGINS is unset, then no CORS headers at all; with *, every origin', async () => {
    const plain = await buildTestApp();
    const star = await buildTestApp({ CORS_ORIGINS: '*' });
    try {
      const none = await plain.api.with(origin).get('/health');
      assert.equal(none.headers['access-control-allow-origin'], undefined);
      const preflight = await plain.api
        .with({ ...origin, 'access-control-request-method': 'GET' })
        .request('OPTIONS', '/movies/');
      assert.equal(preflight.headers['access-control-allow-origin'], undefined);
      const any = await star.api.with({ origin: 'http://anyone.example' }).get('/health');
      assert.equal(any.headers['access-control-allow-origin'], '*');
    } finally {
      await plain.app.close();
      await star.app.close();
    }
  });
});
