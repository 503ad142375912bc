import assert from 'node:assert/strict';
import SqliteDatabase from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/database.js';
import { openPreparedDatabase } from '../../src/db/prepare.js';
import { freshDatabase, login, onPostgres, testConfig, type TestDatabase } from '../helpers.js';
import { runCli } from '../process.js';

const TABLES = ['genres', 'directors', 'movies', 'users'] as const;

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
      const sqlite = new SqliteDatabase(sqliteFile);
      sqlite
        .prepare(
          "insert into movies (title, title_key, description, trailer) values ('Без года', 'без года', '', '')",
        )
        .run();
      sqlite.prepare('delete from movies where id = 3').run();
      sqlite.close();
      target = await freshDatabase();
    });
    after(() => target.drop());

    it('When the target is empty, then every row arrives with its id and password hash', async () => {
      const result = await runCli(
        ['copy-to-postgres', '--from', sqliteFile, '--to', target.url],
        env,
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /copied 18 genres, 20 directors, 20 movies, 2 users/);

      const source = openDatabase(`sqlite:${sqliteFile}`, { readonly: true });
      const copy = openDatabase(target.url);
      try {
        for (const table of TABLES) {
          const expected = await source.db.selectFrom(table).selectAll().orderBy('id').execute();
          const actual = await copy.db.selectFrom(table).selectAll().orderBy('id').execute();
          assert.deepEqual(actual, expected, table);
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
        const ctx = { app, db: database.db, config };
        const { access_token: token } = await login(ctx, 'админ', 'admin-password');
        const created = await app.inject({
          method: 'POST',
          url: '/movies/',
          headers: { authorization: `Bearer ${token}` },
          payload: { title: 'After the move' },
        });
        assert.equal(created.statusCode, 201);
        assert.equal(created.json<{ id: number }>().id, 22);
        const genre = await app.inject({
          method: 'POST',
          url: '/genres/',
          headers: { authorization: `Bearer ${token}` },
          payload: { name: 'Новый' },
        });
        assert.equal(genre.json<{ id: number }>().id, 19);
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
      const foreign = new SqliteDatabase(foreignFile);
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
  },
);
