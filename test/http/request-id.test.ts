import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { buildApp } from '../../src/app.js';
import {
  apiOf,
  bearer,
  errorBody,
  openTestDatabase,
  signedIn,
  type TestContext,
} from '../helpers.js';

const ORIGIN = 'http://site.example';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let ctx: TestContext;
const logLines: Record<string, unknown>[] = [];

before(async () => {
  const { config, database, close } = await openTestDatabase({ CORS_ORIGINS: ORIGIN });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        logLines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const app = await buildApp({ config, db: database.db, logger: pino({ level: 'info' }, sink) });
  app.addHook('onClose', close);
  await app.ready();
  ctx = { app, db: database.db, config, api: apiOf(app) };
});
after(() => ctx.app.close());

describe('Request ids', () => {
  it('When a client sends a sane X-Request-Id, then every kind of answer echoes it, and errors name it', async () => {
    const user = await signedIn(ctx, 'traced');
    const id = 'client-Req.42_x';
    const asked = (method: 'GET' | 'POST' | 'OPTIONS', url: string, extra = {}) =>
      ctx.api.with({ 'x-request-id': id, ...extra }).request(method, url);
    const answers = {
      ok: await asked('GET', '/movies/1', user.headers),
      cached: await asked('GET', '/movies/1', user.headers),
      unauthorized: await asked('GET', '/movies/'),
      invalid: await asked('GET', '/movies/?year=abc', user.headers),
      notFound: await asked('GET', '/nowhere'),
      notAllowed: await asked('POST', '/health'),
      badPath: await asked('GET', '/movies/%C0'),
      preflight: await asked('OPTIONS', '/movies/', {
        origin: ORIGIN,
        'access-control-request-method': 'GET',
      }),
    };
    for (const [name, answer] of Object.entries(answers)) {
      assert.equal(answer.headers['x-request-id'], id, name);
      if (answer.statusCode >= 400) {
        assert.equal(
          errorBody(answer) && answer.json<{ request_id: string }>().request_id,
          id,
          name,
        );
      }
    }
    assert.equal(answers.ok.statusCode, 200);
    assert.equal(answers.badPath.statusCode, 400);
  });

  it('When the client id is not a sane token, then a new one is made, different for each request', async () => {
    const insane = ['', 'a'.repeat(129), 'has space', 'ünïcode', 'semi;colon', 'x\ty'];
    const seen = new Set<string>();
    for (const header of insane) {
      const answer = await ctx.api.with({ 'x-request-id': header }).get('/health');
      const id = String(answer.headers['x-request-id']);
      assert.match(id, UUID, JSON.stringify(header));
      seen.add(id);
    }
    const plain = await ctx.api.get('/health');
    assert.match(String(plain.headers['x-request-id']), UUID);
    seen.add(String(plain.headers['x-request-id']));
    assert.equal(seen.size, insane.length + 1);
    const longest = 'a'.repeat(128);
    const kept = await ctx.api.with({ 'x-request-id': longest }).get('/health');
    assert.equal(kept.headers['x-request-id'], longest);
  });

  it('When a request is logged, then its line carries the request id', async () => {
    const id = 'log-line-check-1';
    await ctx.api.with({ 'x-request-id': id }).get('/health');
    await ctx.api
      .with({ 'x-request-id': 'log-line-check-2', ...bearer('nonsense') })
      .get('/movies/');
    await new Promise((resolve) => setImmediate(resolve));
    const completed = logLines.find(
      (line) => line.reqId === id && line.msg === 'request completed',
    );
    assert.ok(completed, 'the request line names the id');
    assert.ok(logLines.some((line) => line.reqId === 'log-line-check-2' && line.status === 401));
  });

  it('When a browser reads answers from another origin, then X-Request-Id is exposed', async () => {
    const answer = await ctx.api.with({ origin: ORIGIN }).get('/health');
    assert.match(String(answer.headers['access-control-expose-headers']), /X-Request-Id/);
  });
});
