import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshDatabase, onPostgres, type TestDatabase, type Tokens } from '../helpers.js';
import { runCli, startServer, type RunningServer } from '../process.js';
import { TcpProxy } from '../tcp-proxy.js';

const skip = !onPostgres && 'needs PostgreSQL (TEST_DATABASE_URL)';
const SECRET = 'scale-out-secret-scale-out-secret-scale';

function settings(databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    JWT_SECRET: SECRET,
    PBKDF2_ITERATIONS: '1000',
    NODE_ENV: 'production',
  };
}

async function call(
  server: RunningServer,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
) {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

describe('Two server processes on one PostgreSQL database', { skip }, () => {
  let database: TestDatabase;
  let first: RunningServer;
  let second: RunningServer;

  before(async () => {
    database = await freshDatabase();
    const made = await runCli(
      ['create-user', '--username', 'twin', '--password', 'twin-password'],
      settings(database.url),
    );
    assert.equal(made.code, 0, made.stderr);
    [first, second] = await Promise.all([
      startServer(settings(database.url)),
      startServer(settings(database.url)),
    ]);
  });
  after(async () => {
    first?.child.kill('SIGTERM');
    second?.child.kill('SIGTERM');
    await Promise.all([first?.exited, second?.exited]);
    await database.drop();
  });

  it('When a login on one is refreshed on the other and the old token replayed on the first, then the family is revoked on both', async () => {
    const loggedIn = await call(first, 'POST', '/auth/', {
      username: 'twin',
      password: 'twin-password',
    });
    assert.equal(loggedIn.status, 201);
    const original = loggedIn.body as unknown as Tokens;
    const rotated = await call(second, 'PUT', '/auth/', { refresh_token: original.refresh_token });
    assert.equal(rotated.status, 201);
    const successor = rotated.body as unknown as Tokens;
    const successorUsed = await call(first, 'PUT', '/auth/', {
      refresh_token: successor.refresh_token,
    });
    assert.equal(successorUsed.status, 201);
    const replay = await call(first, 'PUT', '/auth/', { refresh_token: original.refresh_token });
    assert.equal(replay.status, 401);
    const newest = (successorUsed.body as unknown as Tokens).refresh_token;
    assert.equal((await call(second, 'PUT', '/auth/', { refresh_token: newest })).status, 401);
    assert.equal((await call(first, 'PUT', '/auth/', { refresh_token: newest })).status, 401);
  });

  it('When failed logins alternate between the two, then the limit counts them together', async () => {
    for (let i = 0; i < 10; i += 1) {
      const failed = await call(i % 2 ? first : second, 'POST', '/auth/', {
        username: 'twin',
        password: `wrong-${i}`,
      });
      assert.equal(failed.status, 401);
    }
    for (const server of [first, second]) {
      const blocked = await call(server, 'POST', '/auth/', {
        username: 'twin',
        password: 'twin-password',
      });
      assert.equal(blocked.status, 429);
    }
  });
});

describe('PostgreSQL going away and coming back', { skip }, () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let server: RunningServer;
  let admin: string;

  before(async () => {
    database = await freshDatabase();
    const target = new URL(database.url);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = new URL(database.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const env = settings(viaProxy.toString());
    const made = await runCli(
      ['create-user', '--username', 'keeper', '--password', 'keeper-password', '--role', 'admin'],
      env,
    );
    assert.equal(made.code, 0, made.stderr);
    server = await startServer(env);
    const loggedIn = await call(server, 'POST', '/auth/', {
      username: 'keeper',
      password: 'keeper-password',
    });
    admin = String(loggedIn.body.access_token);
  });
  after(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    await proxy?.stop();
    await database.drop();
  });

  it('When the database is unreachable, then 503s with the error body; when it returns, the same process serves again and nothing acknowledged is lost', async () => {
    const saved = await call(server, 'POST', '/genres/', { name: 'Before the outage' }, admin);
    assert.equal(saved.status, 201);

    await proxy.stop();
    for (const path of ['/movies/', '/genres/', '/ready']) {
      const response = await call(server, 'GET', path, undefined, admin);
      assert.equal(response.status, 503, path);
      assert.equal(response.body.code, 'service_unavailable');
      assert.equal(response.body.message, 'Service temporarily unavailable');
    }
    const write = await call(server, 'POST', '/genres/', { name: 'During the outage' }, admin);
    assert.equal(write.status, 503);
    assert.equal((await call(server, 'GET', '/health')).status, 200);

    await proxy.start();
    const ready = await call(server, 'GET', '/ready');
    assert.equal(ready.status, 200);
    const genres = await call(server, 'GET', '/genres/', undefined, admin);
    assert.equal(genres.status, 200);
    const names = (genres.body as unknown as { name: string }[]).map((genre) => genre.name);
    assert.ok(names.includes('Before the outage'));
    assert.ok(!names.includes('During the outage'));
  });

  it('When the network swallows packets, then requests end in 503 instead of hanging, and recover', async () => {
    proxy.stall();
    const stalled = await call(server, 'GET', '/movies/1', undefined, admin).catch(
      (error: unknown) => {
        throw new Error(`${String(error)}\n${server.logs().slice(-3000)}`);
      },
    );
    assert.equal(stalled.status, 503);
    proxy.forward();
    let recovered = await call(server, 'GET', '/movies/1', undefined, admin);
    // A connection cut while stalled may fail once more before the pool replaces it.
    if (recovered.status === 503)
      recovered = await call(server, 'GET', '/movies/1', undefined, admin);
    assert.equal(recovered.status, 200);
    assert.equal(server.child.exitCode, null, 'the process never restarted');
  });
});
