import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../src/app.js';
import { buildTestApp, errorBody, openTestDatabase, type TestContext } from '../helpers.js';

let ctx: TestContext;

before(async () => {
  ctx = await buildTestApp();
});
after(() => ctx.app.close());

describe('Health', () => {
  it('When the process runs, then /health is 200 ok and /ready is 200 while the database answers', async () => {
    const health = await ctx.api.get('/health');
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json(), { status: 'ok' });
    const ready = await ctx.api.get('/ready/');
    assert.equal(ready.statusCode, 200);
  });

  it('When the database is gone, then /ready is 503 service_unavailable and /health stays 200', async () => {
    const { config, database, close } = await openTestDatabase();
    const app = await buildApp({ config, db: database.db });
    try {
      await database.db.destroy();
      const ready = await app.inject({ method: 'GET', url: '/ready' });
      assert.equal(ready.statusCode, 503);
      assert.equal(errorBody(ready).code, 'service_unavailable');
      assert.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    } finally {
      await app.close();
      await close();
    }
  });
});

describe('Errors and headers', () => {
  it('When a route is unknown, then 404 JSON', async () => {
    const response = await ctx.api.get('/nowhere');
    assert.equal(response.statusCode, 404);
    assert.equal(errorBody(response).code, 'not_found');
    assert.match(String(response.headers['content-type']), /application\/json/);
  });

  it('When a known path is asked with another method, then 405 with Allow', async () => {
    const cases: [string, string, string[]][] = [
      ['DELETE', '/movies/', ['GET', 'HEAD', 'POST']],
      ['POST', '/movies/1', ['DELETE', 'GET', 'HEAD', 'PATCH', 'PUT']],
      ['POST', '/movies/1/', ['DELETE', 'GET', 'HEAD', 'PATCH', 'PUT']],
      ['GET', '/auth/', ['DELETE', 'POST', 'PUT']],
      ['POST', '/health', ['GET', 'HEAD']],
    ];
    for (const [method, url, allowed] of cases) {
      const response = await ctx.api.request(method as 'GET', url);
      assert.equal(response.statusCode, 405, `${method} ${url}`);
      assert.deepEqual(String(response.headers.allow).split(', '), allowed, `${method} ${url}`);
      assert.equal(errorBody(response).code, 'method_not_allowed');
    }
  });

  it('When any response goes out, then nosniff is set and X-Powered-By is not', async () => {
    for (const url of ['/health', '/movies/', '/nowhere']) {
      const response = await ctx.api.get(url);
      assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(response.headers['x-powered-by'], undefined, url);
    }
  });

  it('When a handler fails unexpectedly, then 500 says only "Internal server error"', async () => {
    const { config, database, close } = await openTestDatabase();
    const app = await buildApp({ config, db: database.db });
    app.get('/boom', async () => {
      throw new Error('SELECT secret FROM users -- at /src/secret.ts:1');
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/boom' });
      assert.equal(response.statusCode, 500);
      const body = errorBody(response);
      assert.deepEqual(
        { message: body.message, code: body.code },
        { message: 'Internal server error', code: 'internal_error' },
      );
      assert.doesNotMatch(response.body, /SELECT|secret|\.ts/);
    } finally {
      await app.close();
      await close();
    }
  });
});

describe('OpenAPI and docs', () => {
  it('When /openapi.json is read, then it is OpenAPI 3.1 with every route, the bearer scheme and the error body', async () => {
    const response = await ctx.api.get('/openapi.json');
    assert.equal(response.statusCode, 200);
    const doc = response.json<{
      openapi: string;
      paths: Record<
        string,
        Record<string, { security?: unknown[]; responses: Record<string, unknown> }>
      >;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
    }>();
    assert.match(doc.openapi, /^3\.1/);
    const expected: Record<string, string[]> = {
      '/movies/': ['get', 'post'],
      '/movies/{id}': ['get', 'put', 'patch', 'delete'],
      '/directors/': ['get', 'post'],
      '/directors/{id}': ['get', 'put', 'patch', 'delete'],
      '/genres/': ['get', 'post'],
      '/genres/{id}': ['get', 'put', 'patch', 'delete'],
      '/users/': ['get', 'post'],
      '/users/{id}': ['get', 'put', 'patch', 'delete'],
      '/auth/': ['post', 'put', 'delete'],
      '/health': ['get'],
      '/ready': ['get'],
      '/auth/register/': ['post'],
      '/auth/login/': ['post', 'put'],
      '/user/': ['get', 'patch'],
      '/user/password/': ['put'],
      '/favorites/movies/': ['get'],
      '/favorites/movies/{id}/': ['post', 'delete'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      assert.ok(doc.paths[path], `${path} documented`);
      assert.deepEqual(Object.keys(doc.paths[path] ?? {}).sort(), [...methods].sort(), path);
    }
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    assert.deepEqual(doc.paths['/movies/']?.get?.security, [{ bearerAuth: [] }]);
    assert.ok(doc.components.schemas.ErrorBody, 'the error body is a shared schema');
    assert.ok(doc.paths['/movies/']?.post?.responses['201']);
    assert.doesNotMatch(response.body, /password_hash/);
  });

  it('When /docs is opened, then Swagger UI is served from the package', async () => {
    const page = await ctx.api.get('/docs/');
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /swagger-ui/i);
    assert.doesNotMatch(page.body, /https?:\/\/(cdn|unpkg)/);
    const bundle = await ctx.api.get('/docs/static/swagger-ui-bundle.js');
    assert.equal(bundle.statusCode, 200);
  });
});
