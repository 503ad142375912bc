import assert from 'node:assert/strict';
import pg from 'pg';
import { after, before, describe, it } from 'node:test';
import { freshDatabase, onPostgres, type TestDatabase } from '../../helpers.js';
import { runCli, startServer, type RunningServer } from '../../process.js';
import { TcpProxy } from '../../tcp-proxy.js';

const skip = !onPostgres && 'needs PostgreSQL (TEST_DATABASE_URL)';
const NEVER_MS = '600000';
const LISTENING = '"msg":"catalog changes: listening"';
const NOT_LISTENING = '"msg":"catalog changes: not listening';

function settings(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    JWT_SECRET: 'catalog-listen-secret-catalog-listen-secret',
    PBKDF2_ITERATIONS: '1000',
    NODE_ENV: 'production',
    CATALOG_READ: 'public',
    ...extra,
  };
}

function withParameter(url: string, name: string, value: string): string {
  const changed = new URL(url);
  changed.searchParams.set(name, value);
  return changed.toString();
}

const count = (text: string, part: string) => text.split(part).length - 1;

async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  withinMs = 8000,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Catalog writes reach other processes by LISTEN/NOTIFY', { skip }, () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let writer: RunningServer;
  let notified: RunningServer;
  let proxied: RunningServer;
  let admin: string;
  let rating = 1;

  before(async () => {
    database = await freshDatabase();
    const made = await runCli(
      [
        'create-user',
        '--username',
        'listen-admin',
        '--password',
        'listen-password',
        '--role',
        'admin',
      ],
      settings(database.url),
    );
    assert.equal(made.code, 0, made.stderr);
    const target = new URL(database.url);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = new URL(database.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    // Neither reader polls within the test unless its listener is down: what it sees, it heard.
    [writer, notified, proxied] = await Promise.all([
      startServer(settings(database.url)),
      startServer(
        settings(database.url, {
          DATABASE_LISTEN_URL: withParameter(database.url, 'application_name', 'listen-test-b'),
          CATALOG_POLL_MS: NEVER_MS,
          CATALOG_POLL_WHILE_LISTENING_MS: NEVER_MS,
        }),
      ),
      startServer(
        settings(database.url, {
          DATABASE_LISTEN_URL: viaProxy.toString(),
          CATALOG_POLL_MS: '200',
          CATALOG_POLL_WHILE_LISTENING_MS: NEVER_MS,
        }),
      ),
    ]);
    const login = await fetch(`${writer.baseUrl}/auth/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'listen-admin', password: 'listen-password' }),
    });
    admin = ((await login.json()) as { access_token: string }).access_token;
    for (const server of [notified, proxied]) {
      await eventually(() => count(server.logs(), LISTENING) === 1, 'listening');
    }
  });
  after(async () => {
    for (const server of [writer, notified, proxied]) server?.child.kill('SIGTERM');
    await Promise.all([writer?.exited, notified?.exited, proxied?.exited]);
    await proxy?.stop();
    await database.drop();
  });

  const readRating = async (server: RunningServer) =>
    ((await (await fetch(`${server.baseUrl}/movies/7`)).json()) as { rating: number }).rating;

  /** Changes movie 7 on the writer and waits until the reader serves the change. */
  async function changeAndSee(reader: RunningServer): Promise<void> {
    await readRating(reader);
    await readRating(reader);
    rating = Math.round((rating + 0.1) * 10) / 10;
    const patched = await fetch(`${writer.baseUrl}/movies/7`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ rating }),
    });
    assert.equal(patched.status, 204);
    await eventually(async () => (await readRating(reader)) === rating, `rating ${rating} seen`);
  }

  it('When one process changes a movie, then another serves the change without polling', async () => {
    await changeAndSee(notified);
  });

  it('When a genre is renamed on one process, then the other drops its cached movie answers', async () => {
    const genreOfSeven = async () =>
      ((await (await fetch(`${notified.baseUrl}/movies/7`)).json()) as { genre: { id: number } })
        .genre.id;
    const genreId = await genreOfSeven();
    const renamed = await fetch(`${writer.baseUrl}/genres/${genreId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ name: 'Renamed by NOTIFY' }),
    });
    assert.equal(renamed.status, 204);
    await eventually(async () => {
      const movie = await (await fetch(`${notified.baseUrl}/movies/7`)).json();
      return (movie as { genre: { name: string } }).genre.name === 'Renamed by NOTIFY';
    }, 'the new genre name in the movie');
  });

  it('When the listening connection is killed, then it listens again and catches up on what it missed', async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const killed = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
         where application_name = 'listen-test-b' and query like 'LISTEN%'`,
      );
      assert.equal(killed.rowCount, 1);
    } finally {
      await admin.end();
    }
    await changeAndSee(notified);
    // On a loaded machine a slow heartbeat may count as one more loss (and one more return):
    // what matters is that the kill was noticed and that it listens again.
    const listeningAgain = () => {
      const lost = count(notified.logs(), NOT_LISTENING);
      return lost >= 1 && count(notified.logs(), LISTENING) === lost + 1;
    };
    await eventually(listeningAgain, 'listening again', 15_000);
    await changeAndSee(notified);
    assert.equal(notified.child.exitCode, null, 'the process is still up');
  });

  it('When the listener cannot reach the database, then the poll takes over, and listening resumes', async () => {
    await changeAndSee(proxied);
    await proxy.stop();
    await eventually(() => count(proxied.logs(), NOT_LISTENING) >= 1, 'the loss noticed');
    await changeAndSee(proxied);
    await changeAndSee(proxied);
    await proxy.start();
    await eventually(
      () => count(proxied.logs(), LISTENING) === count(proxied.logs(), NOT_LISTENING) + 1,
      'listening again',
      15_000,
    );
    // Give the 200 ms poll time to step aside: what follows is seen by notification alone.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await changeAndSee(proxied);
    assert.equal(proxied.child.exitCode, null, 'the process is still up');
  });

  it('When the network swallows what the listener sends, then it counts as lost within seconds, the poll takes over, and listening resumes', async () => {
    await changeAndSee(proxied);
    const lost = count(proxied.logs(), NOT_LISTENING);
    const listened = count(proxied.logs(), LISTENING);
    proxy.swallow();
    // The listening connection must answer every 5 s within 3 s.
    await eventually(
      () => count(proxied.logs(), NOT_LISTENING) === lost + 1,
      'the silence noticed',
      15_000,
    );
    await changeAndSee(proxied);
    proxy.forward();
    await eventually(
      () => count(proxied.logs(), LISTENING) === listened + 1,
      'listening again',
      15_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    await changeAndSee(proxied);
  });
});
