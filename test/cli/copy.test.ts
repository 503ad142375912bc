import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/database.js';
import { openPreparedDatabase } from '../../src/db/prepare.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import {
  apiOf,
  freshDatabase,
  login,
  onPostgres,
  testConfig,
  type TestDatabase,
  type Tokens,
} from '../helpers.js';
import { runCli } from '../process.js';
import { openSqliteConnection } from '../../src/db/sqlite-connection.js';

// Every copied table, ordered by its key, compared row by row.
const TABLES = {
  genres: ['id'],
  directors: ['id'],
  movies: ['id'],
  users: ['id'],
  favorites: ['user_id', 'movie_id'],
  refresh_families: ['id'],
} as const;

/** Logs both users in on the SQLite service and returns the viewer's pair, rotated once. */
async function signInOnSqlite(file: string): Promise<Tokens> {
  const config = testConfig({ DATABASE_URL: `sqlite:${file}` });
  const database = await openPreparedDatabase(config);
  const app = await buildApp({ config, db: database.db });
  try {
    const ctx = { app, db: database.db, config, api: apiOf(app) };
    await login(ctx, 'Админ', 'admin-password');
    const first = await login(ctx, 'viewer', 'viewer-password');
    const rotated = await ctx.api.put('/auth/', { refresh_token: first.refresh_token });
    return rotated.json<Tokens>();
  } finally {
    await app.close();
    await database.db.destroy();
  }
}

describe(
  'copy-to-postgres',
  { skip: !onPostgres && 'needs PostgreSQL (TEST_DATABASE_URL)' },
  () => {
    const folder = mkdtempSync(join(tmpdir(), 'movies-copy-'));
    const sqliteFile = join(folder, 'movies.db');
    const env = {
      DATABASE_URL: `sqlite:${sqliteFile}`,
      JWT_SECRET: 'copy-secret-copy-secret-copy-secret',
      PBKDF2_ITERATIONS: '1000',
    };
    let target: TestDatabase;
    let session: Tokens;

    before(async () => {
      assert.equal(
        (
          await runCli(
            [
              'create-user',
              '--username',
              'Админ',
              '--password',
              'admin-password',
              '--role',
              'admin',
            ],
            env,
          )
        ).code,
        0,
      );
      assert.equal(
        (
          await runCli(
            ['create-user', '--username', 'viewer', '--password', 'viewer-password'],
            env,
          )
        ).code,
        0,
      );
      assert.equal(
        (await runCli(['create-user', '--username', 'gone', '--password', 'gone-password'], env))
          .code,
        0,
      );
      const sqlite = openSqliteConnection(sqliteFile);
      // The highest user id was handed out and its user deleted: the copy must never reuse it.
      sqlite.prepare("delete from users where username = 'gone'").run();
      sqlite
        .prepare(
          "insert into movies (title, title_key, description, trailer) values ('Без года', 'без года', '', '')",
        )
        .run();
      sqlite.prepare('delete from movies where id = 3').run();
      sqlite
        .prepare(
          "update users set email = 'viewer@example.com', email_key = 'viewer@example.com', name = 'Вера', surname = 'Смирнова', favourite_genre = 2 where username = 'viewer'",
        )
        .run();
      sqlite
        .prepare(
          'insert into favorites (user_id, movie_id, added_at) values (2, 5, 1000), (2, 21, 2000)',
        )
        .run();
      sqlite.close();
      session = await signInOnSqlite(sqliteFile);
      target = await freshDatabase();
    });
    after(() => target.drop());

    it('When the target is empty, then every row arrives with its id and password hash', async () => {
      const result = await runCli(
        ['copy-to-postgres', '--from', sqliteFile, '--to', target.url],
        env,
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        /copied 18 genres, 20 directors, 20 movies, 2 users, 2 favorites, 2 refresh_families/,
      );

      const source = openDatabase(`sqlite:${sqliteFile}`, { readonly: true });
      const copy = openDatabase(target.url);
      try {
        for (const [table, key] of Object.entries(TABLES)) {
          const rows = (db: Kysely<Database>) =>
            db
              .selectFrom(table as keyof Database)
              .selectAll()
              .orderBy([...key] as never)
              .execute();
          const expected = await rows(source.db);
          assert.ok(expected.length > 0, `${table} has rows to copy`);
          assert.deepEqual(await rows(copy.db), expected, table);
        }
      } finally {
        await source.db.destroy();
        await copy.db.destroy();
      }
    });

    it('When the service runs on the copy, then old passwords work and new ids continue after the copied ones', async () => {
      const config = testConfig({ DATABASE_URL: target.url });
      const database = await openPreparedDatabase(config);
      const app = await buildApp({ config, db: database.db });
      try {
        const ctx = { app, db: database.db, config, api: apiOf(app) };
        const kept = await ctx.api.put('/auth/', { refresh_token: session.refresh_token });
        assert.equal(kept.statusCode, 201, 'a session started before the copy goes on');
        const profile = await ctx.api.as(kept.json<Tokens>()).get('/user/');
        assert.equal(profile.json<{ email: string }>().email, 'viewer@example.com');
        const { access_token: token } = await login(ctx, 'админ', 'admin-password');
        const created = await ctx.api.as(token).post('/movies/', { title: 'After the move' });
        assert.equal(created.statusCode, 201);
        // The target's search index holds the copied movies and the new one.
        const found = async (search: string) =>
          (await ctx.api.as(token).get(`/movies/?search=${encodeURIComponent(search)}`))
            .json<{ id: number }[]>()
            .map((movie) => movie.id);
        assert.deepEqual(await found('без года'), [21]);
        assert.deepEqual(await found('after move'), [22]);
        assert.equal(created.json<{ id: number }>().id, 22);
        const genre = await ctx.api.as(token).post('/genres/', { name: 'Новый' });
        assert.equal(genre.json<{ id: number }>().id, 19);
        const newcomer = await ctx.api.post('/users/', {
          username: 'newcomer',
          password: 'newcomer-password',
        });
        assert.equal(newcomer.statusCode, 201);
        assert.equal(newcomer.json<{ id: number }>().id, 4, 'id 3 was a deleted user’s');
      } finally {
        await app.close();
        await database.db.destroy();
      }
    });

    it('When the target is not empty, the source is missing or not ours, then one line and exit 1, and the target is untouched', async () => {
      const again = await runCli(
        ['copy-to-postgres', '--from', sqliteFile, '--to', target.url],
        env,
      );
      assert.equal(again.code, 1);
      assert.match(again.stderr, /must be empty/);
      const missing = await runCli(
        ['copy-to-postgres', '--from', join(folder, 'nope.db'), '--to', target.url],
        env,
      );
      assert.equal(missing.code, 1);
      assert.equal(missing.stderr.trim().split('\n').length, 1);
      const foreignFile = join(folder, 'foreign.db');
      const foreign = openSqliteConnection(foreignFile);
      foreign.exec('create table something (x integer)');
      foreign.close();
      const empty = await freshDatabase();
      try {
        const refused = await runCli(
          ['copy-to-postgres', '--from', foreignFile, '--to', empty.url],
          env,
        );
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /not a database of this service/);
      } finally {
        await empty.drop();
      }
      const noTarget = await runCli(['copy-to-postgres', '--from', sqliteFile], env);
      assert.equal(noTarget.code, 1);
      assert.match(noTarget.stderr, /--to must be a postgres/);
    });

    it('When the source has a table copy does not know, then one line naming it, exit 1, and nothing written', async () => {
      const extendedFile = join(folder, 'extended.db');
      copyFileSync(sqliteFile, extendedFile);
      const extended = openSqliteConnection(extendedFile);
      extended.exec('create table watch_later (user_id integer references users (id))');
      extended.close();
      const empty = await freshDatabase();
      try {
        const refused = await runCli(
          ['copy-to-postgres', '--from', extendedFile, '--to', empty.url],
          env,
        );
        assert.equal(refused.code, 1);
        assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
        assert.match(refused.stderr, /does not know: "watch_later"/);
        const untouched = openDatabase(empty.url);
        try {
          const users = await untouched.db.selectFrom('users').select('id').execute();
          assert.deepEqual(users, []);
        } finally {
          await untouched.db.destroy();
        }
      } finally {
        await empty.drop();
      }
    });
  },
);
