import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, errorBody, type TestContext } from '../helpers.js';

const ORIGIN = 'http://site.example';
let ctx: TestContext;

before(async () => {
  ctx = await buildTestApp({ CORS_ORIGINS: ORIGIN });
});
after(() => ctx.app.close());

const get = (url: string, origin = ORIGIN) => ctx.api.with({ origin }).get(url);

// Headers that differ per answer by nature, not by the path the answer took.
const PER_ANSWER = new Set(['content-length', 'date', 'connection', 'www-authenticate']);
const headerNames = (headers: Record<string, unknown>) =>
  Object.keys(headers)
    .filter((name) => !PER_ANSWER.has(name))
    .sort();

describe('paths the router cannot read', () => {
  for (const [what, url] of [
    ['bad percent-encoding', '/movies/%C0'],
    ['bad percent-encoding on an unknown route', '/%C0%AF'],
    ['an id of 101 digits', `/movies/${'9'.repeat(101)}`],
    ['a 2000-character segment', `/genres/${'a'.repeat(2000)}/`],
  ]) {
    it(`When a request has ${what}, then 400 bad_request with the contract body`, async () => {
      const response = await get(url as string);
      assert.equal(response.statusCode, 400, response.body);
      const body = errorBody(response);
      assert.equal(body.code, 'bad_request');
      assert.equal(typeof response.json<{ request_id: unknown }>().request_id, 'string');
      assert.doesNotMatch(response.body, /FST_|statusCode|"error"/);
    });
  }

  it('When the router refuses a path, then the answer carries the same headers as any other error', async () => {
    const ordinary = await get('/no-such-route');
    assert.equal(ordinary.statusCode, 404);
    for (const url of ['/movies/%C0', `/movies/${'1'.repeat(101)}`]) {
      const refused = await get(url);
      assert.deepEqual(headerNames(refused.headers), headerNames(ordinary.headers));
      assert.equal(refused.headers['access-control-allow-origin'], ORIGIN);
      assert.equal(refused.headers['x-content-type-options'], 'nosniff');
      assert.equal(refused.headers['vary'], 'Origin');
      assert.match(String(refused.headers['content-type']), /^application\/json; charset=utf-8/);
    }
  });

  it('When the origin is not allowed, then the refusal names no origin, like other answers', async () => {
    const refused = await get('/movies/%C0', 'http://evil.example');
    const ordinary = await get('/no-such-route', 'http://evil.example');
    assert.equal(refused.headers['access-control-allow-origin'], undefined);
    assert.deepEqual(headerNames(refused.headers), headerNames(ordinary.headers));
  });
});

describe('router refusals with CORS open to every origin', () => {
  it('When CORS_ORIGINS is *, then a refused path says * as the other answers do', async () => {
    const open = await buildTestApp({ CORS_ORIGINS: '*' });
    try {
      const refused = await open.api.get('/movies/%C0');
      const ordinary = await open.api.get('/no-such-route');
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.headers['access-control-allow-origin'], '*');
      assert.deepEqual(headerNames(refused.headers), headerNames(ordinary.headers));
    } finally {
      await open.app.close();
    }
  });
});
