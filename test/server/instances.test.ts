import type { LightMyRequestResponse } from 'fastify';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createUser,
  freshDatabase,
  login,
  onPostgres,
  appOnDatabase,
  type TestContext,
  type TestDatabase,
  type Tokens,
} from '../helpers.js';

// Two app instances, each with its own connection pool, on one database.
let shared: TestDatabase;
const instances: TestContext[] = [];

async function startInstance(overrides: Record<string, string> = {}): Promise<TestContext> {
  const ctx = await appOnDatabase(shared.url, overrides);
  instances.push(ctx);
  return ctx;
}

before(async () => {
  shared = await freshDatabase(
    `sqlite:${join(mkdtempSync(join(tmpdir(), 'movies-instances-')), 'movies.db')}`,
  );
});
after(async () => {
  for (const ctx of instances) await ctx.app.close();
  await shared.drop();
});

const refresh = (ctx: TestContext, token: string) =>
  ctx.api.put('/auth/', { refresh_token: token });

// Several instances are a PostgreSQL deployment; SQLite serves one process.
describe(
  'Several instances on one database',
  { skip: !onPostgres && 'needs PostgreSQL (TEST_DATABASE_URL)' },
  () => {
    it('When instances start at the same moment on a new database, then it is migrated and seeded exactly once', async () => {
      const starts = await Promise.all([startInstance(), startInstance(), startInstance()]);
      const [first] = starts;
      assert.ok(first);
      const genres = await first.db.selectFrom('genres').select('id').execute();
      assert.equal(genres.length, 18);
    });

    it('When instances race one refresh token, then all get the same successor', async () => {
      const [a, b] = instances;
      assert.ok(a && b);
      await createUser(a, 'racer', 'racer-password');
      const tokens = await login(a, 'racer', 'racer-password');
      const results = await Promise.all([
        refresh(a, tokens.refresh_token),
        refresh(b, tokens.refresh_token),
        refresh(a, tokens.refresh_token),
        refresh(b, tokens.refresh_token),
      ]);
      assert.deepEqual(
        results.map((r) => r.statusCode),
        [201, 201, 201, 201],
      );
      const successors = new Set(results.map((r) => r.json<Tokens>().refresh_token));
      assert.equal(successors.size, 1);
    });

    it('When the grace period is off, then exactly one racer wins and the family is revoked', async () => {
      const a = await startInstance({ REFRESH_REUSE_GRACE: '0' });
      const b = await startInstance({ REFRESH_REUSE_GRACE: '0' });
      await createUser(a, 'strict-racer', 'strict-racer-password');
      const tokens = await login(a, 'strict-racer', 'strict-racer-password');
      const results = await Promise.all([
        refresh(a, tokens.refresh_token),
        refresh(b, tokens.refresh_token),
      ]);
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 401]);
      const winner = results.find((r) => r.statusCode === 201)?.json<Tokens>();
      assert.equal((await refresh(b, winner?.refresh_token ?? '')).statusCode, 401);
    });

    it('When two admins create the same genre at once, then one 201 and one 409', async () => {
      const [a, b] = instances;
      assert.ok(a && b);
      await createUser(a, 'admin-a', 'admin-a-password', 'admin');
      await createUser(a, 'admin-b', 'admin-b-password', 'admin');
      const tokenA = (await login(a, 'admin-a', 'admin-a-password')).access_token;
      const tokenB = (await login(b, 'admin-b', 'admin-b-password')).access_token;
      for (let round = 0; round < 5; round += 1) {
        const name = `Раса ${round}`;
        const results: LightMyRequestResponse[] = await Promise.all([
          a.api.as(tokenA).post('/genres/', { name }),
          b.api.as(tokenB).post('/genres/', { name: name.toUpperCase() }),
        ]);
        assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 409], name);
      }
    });

    it('When failed logins land on different instances, then they add up', async () => {
      const [a, b] = instances;
      assert.ok(a && b);
      await createUser(a, 'spread', 'spread-password');
      for (let i = 0; i < 10; i += 1) {
        const ctx: TestContext = i % 2 === 0 ? a : b;
        const response: LightMyRequestResponse = await ctx.api.post('/auth/', {
          username: 'spread',
          password: 'wrong',
        });
        assert.equal(response.statusCode, 401);
      }
      for (const ctx of [a, b]) {
        const response = await ctx.api.post('/auth/', {
          username: 'spread',
          password: 'spread-password',
        });
        assert.equal(response.statusCode, 429);
      }
    });

    it('When one instance writes the catalog, then the other stops serving its cached answer within a second or so', async () => {
      const [a, b] = instances;
      assert.ok(a && b);
      await createUser(a, 'cache-a', 'cache-a-password', 'admin');
      const tokenA = (await login(a, 'cache-a', 'cache-a-password')).access_token;
      const tokenB = (await login(b, 'cache-a', 'cache-a-password')).access_token;
      const read = async () =>
        (await a.api.as(tokenA).get('/genres/2')).json<{ name: string }>().name;
      assert.equal(await read(), 'Семейный');
      assert.equal(await read(), 'Семейный');
      const renamed = await b.api.as(tokenB).patch('/genres/2', { name: 'Семейное кино' });
      assert.equal(renamed.statusCode, 204);
      const started = Date.now();
      while ((await read()) !== 'Семейное кино') {
        assert.ok(Date.now() - started < 5000, 'instance A never saw the rename');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    });

    it('When one instance revokes a family, then the other refuses its tokens', async () => {
      const [a, b] = instances;
      assert.ok(a && b);
      await createUser(a, 'logout-there', 'logout-there-password');
      const tokens = await login(a, 'logout-there', 'logout-there-password');
      const loggedOut = await b.api.delete('/auth/', { refresh_token: tokens.refresh_token });
      assert.equal(loggedOut.statusCode, 204);
      assert.equal((await refresh(a, tokens.refresh_token)).statusCode, 401);
    });
  },
);
