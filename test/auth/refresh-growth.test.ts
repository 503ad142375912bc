import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { listApplicationTables } from '../../src/db/tables.js';
import { onPostgres, type TestDatabase, type Tokens } from '../helpers.js';
import { runCli, startServer, tempDatabase, type RunningServer } from '../process.js';

const REFRESHES = 10_000;
const PARALLEL_REPLAYS = 8;

let database: TestDatabase;
let server: RunningServer;
let inspector: DatabaseHandle;

// Durability is not what is tested here; waiting for the disk on each commit would be most of the time.
function withoutWaitingForDisk(url: string): string {
  if (!onPostgres) return url;
  const parsed = new URL(url);
  parsed.searchParams.set(
    'options',
    `${parsed.searchParams.get('options') ?? ''} -c synchronous_commit=off`,
  );
  return parsed.toString();
}

before(async () => {
  database = await tempDatabase();
  const env = {
    DATABASE_URL: withoutWaitingForDisk(database.url),
    JWT_SECRET: 'growth-secret-growth-secret-growth-secret',
    PBKDF2_ITERATIONS: '1000',
    NODE_ENV: 'production',
  };
  const made = await runCli(['create-user', '--username', 'busy', '--password', 'busy-pass'], env);
  assert.equal(made.code, 0, made.stderr);
  server = await startServer(env);
  inspector = openDatabase(database.url, onPostgres ? {} : { readonly: true });
});
after(async () => {
  await inspector?.db.destroy();
  server?.child.kill('SIGTERM');
  await server?.exited;
  await database?.drop();
});

async function auth(method: 'POST' | 'PUT', body: Record<string, string>) {
  const response = await fetch(`${server.baseUrl}/auth/`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, tokens: (await response.json()) as Tokens };
}

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { name } of await listApplicationTables(inspector.db, inspector.dialect)) {
    const row = await inspector.db
      .selectFrom(name as 'users')
      .select((eb) => eb.fn.countAll().as('rows'))
      .executeTakeFirstOrThrow();
    counts[name] = Number(row.rows);
  }
  return counts;
}

describe('a refresh family over real HTTP', () => {
  it(`When it is refreshed ${REFRESHES} times, then no table grows, and replaying the first token still revokes it`, async () => {
    const login = await auth('POST', { username: 'busy', password: 'busy-pass' });
    assert.equal(login.status, 201);
    const before = await rowCounts();

    let current = login.tokens.refresh_token;
    for (let i = 1; i <= REFRESHES; i += 1) {
      if (i % 2000 === 0) {
        // Double submits at once, as a client with several tabs: all agree on one successor.
        const racers = await Promise.all(
          Array.from({ length: PARALLEL_REPLAYS }, () => auth('PUT', { refresh_token: current })),
        );
        assert.deepEqual(new Set(racers.map((racer) => racer.status)), new Set([201]));
        const successors = new Set(racers.map((racer) => racer.tokens.refresh_token));
        assert.equal(successors.size, 1, `refresh ${i}`);
        current = [...successors][0] ?? '';
        continue;
      }
      const next = await auth('PUT', { refresh_token: current });
      assert.equal(next.status, 201, `refresh ${i}`);
      current = next.tokens.refresh_token;
    }

    assert.deepEqual(await rowCounts(), before);
    const replay = await auth('PUT', { refresh_token: login.tokens.refresh_token });
    assert.equal(replay.status, 401, 'the first token, 10,000 generations old');
    const latest = await auth('PUT', { refresh_token: current });
    assert.equal(latest.status, 401, 'the whole family is revoked');
  });
});
