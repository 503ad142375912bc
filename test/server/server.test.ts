import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runCli, startServer, tempDatabase } from '../process.js';

const drops: (() => Promise<void>)[] = [];
after(async () => {
  for (const drop of drops) await drop();
});

async function databaseUrl(): Promise<string> {
  const database = await tempDatabase();
  drops.push(database.drop);
  return database.url;
}

const SECRET = 'server-test-secret-server-test-secret';

describe('the server process', () => {
  it('When NODE_ENV=production has no JWT_SECRET, then it refuses to start and says why', async () => {
    await assert.rejects(
      startServer({ NODE_ENV: 'production', DATABASE_URL: await databaseUrl() }),
      /JWT_SECRET is required in production/,
    );
  });

  it('When started in production, then the contract holds over real HTTP and SIGTERM lets a login in flight finish', async () => {
    // A slow hash keeps the login in flight while SIGTERM arrives.
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: await databaseUrl(),
      JWT_SECRET: SECRET,
      PBKDF2_ITERATIONS: '2000000',
      LOG_LEVEL: 'debug',
    };
    const made = await runCli(
      ['create-user', '--username', 'ops', '--password', 'ops-password', '--role', 'admin'],
      env,
    );
    assert.equal(made.code, 0, made.stderr);
    const server = await startServer(env);
    try {
      const url = (path: string) => `${server.baseUrl}${path}`;
      const health = await fetch(url('/health'));
      assert.equal(health.status, 200);
      assert.equal(health.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(health.headers.get('x-powered-by'), null);

      const anonymous = await fetch(url('/movies'));
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');

      const loginResponse = await fetch(url('/auth/'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ops', password: 'ops-password' }),
      });
      assert.equal(loginResponse.status, 201);
      const { access_token: token } = (await loginResponse.json()) as { access_token: string };
      const movies = await fetch(url('/movies/?genre_id=17'), {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(movies.status, 200);
      assert.deepEqual(
        ((await movies.json()) as { id: number }[]).map((movie) => movie.id),
        [1, 3, 4],
      );

      const broken = await fetch(url('/movies/'), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"title": oops}',
      });
      assert.equal(broken.status, 400);
      const brokenBody = await broken.text();
      assert.doesNotMatch(brokenBody, /at |stack|Unexpected token/);

      const inFlight = fetch(url('/auth/'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ops', password: 'ops-password' }),
      });
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (
            /"url":"\/auth\/"[^\n]*"msg":"incoming request"[\s\S]*"url":"\/auth\/"[^\n]*"msg":"incoming request"/.test(
              server.logs(),
            )
          ) {
            clearInterval(poll);
            resolve();
          }
        }, 5);
      });
      server.child.kill('SIGTERM');
      assert.equal((await inFlight).status, 201);
      assert.equal(await server.exited, 0);
      assert.match(server.logs(), /shutting down/);
      assert.doesNotMatch(server.logs(), /ops-password|pbkdf2_sha256/);
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
