import assert from 'node:assert/strict';
import { pbkdf2Sync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/database.js';
import { openPreparedDatabase } from '../../src/db/prepare.js';
import { createMovieService } from '../../src/modules/movies/service.js';
import { pageWindow } from '../../src/shared/paging.js';
import { apiOf, testConfig } from '../helpers.js';
import { runCli, tempDatabase } from '../process.js';
import { openSqliteConnection } from '../../src/db/sqlite-connection.js';

const LESSON19 = new URL('../fixtures/lesson19-starter-movies.db', import.meta.url).pathname;
const folder = mkdtempSync(join(tmpdir(), 'movies-flask-'));
const drops: (() => Promise<void>)[] = [];
after(async () => {
  for (const drop of drops) await drop();
});

async function target(seedDemo = false): Promise<Record<string, string>> {
  const database = await tempDatabase();
  drops.push(database.drop);
  return {
    DATABASE_URL: database.url,
    JWT_SECRET: 'flask-import-secret-flask-import-secret',
    PBKDF2_ITERATIONS: '1000',
    SEED_DEMO: String(seedDemo),
  };
}

/** A Flask database with users, built from the known vectors (salt "secret here", 100,000 rounds). */
function legacyUsersFixture(extraUsers: [number, string, string, string][] = []): string {
  const file = join(folder, `flask-users-${Math.random().toString(36).slice(2)}.db`);
  const sqlite = openSqliteConnection(file);
  sqlite.exec(`
    create table director (id integer not null, name varchar(255), primary key (id));
    create table genre (id integer not null, name varchar(255), primary key (id));
    create table movie (id integer not null, title varchar(255), description varchar(255), trailer varchar(255),
      year integer, rating float, genre_id integer, director_id integer, primary key (id));
    create table user (id integer not null, username varchar, password varchar, role varchar, primary key (id));
    insert into genre values (1, 'Драма');
    insert into director values (1, 'Режиссёр');
    insert into movie values (1, 'Фильм', 'Описание', '', 2001, 7.5, 1, 1);
  `);
  const insert = sqlite.prepare('insert into user values (?, ?, ?, ?)');
  insert.run(1, 'pony', '3hVioN51Icw2kQZiywK6hApAP1/ue3YWHb25xLhzRew=', 'user');
  insert.run(2, 'boss', 'm99fjABSDeB3olB/KpA0+mvUiBzG0w13mPDzx1k82f8=', 'admin');
  insert.run(3, 'Секретный', '1MjeGwaCGeyFqVqIHnSEStSAQgOZWwNqGQ37QQ8BE/Y=', 'user');
  for (const row of extraUsers) insert.run(...row);
  sqlite.close();
  return file;
}

async function withApp<T>(
  env: Record<string, string>,
  work: (app: Awaited<ReturnType<typeof buildApp>>) => Promise<T>,
): Promise<T> {
  const config = testConfig({ DATABASE_URL: env.DATABASE_URL ?? '' });
  const database = await openPreparedDatabase(config);
  const app = await buildApp({ config, db: database.db });
  try {
    return await work(app);
  } finally {
    await app.close();
    await database.db.destroy();
  }
}

async function catalogCount(env: Record<string, string>): Promise<number> {
  const { db } = openDatabase(env.DATABASE_URL ?? '');
  try {
    const rows = await db.selectFrom('movies').select('id').execute();
    return rows.length;
  } finally {
    await db.destroy();
  }
}

describe('npm run cli -- import-flask', () => {
  it('When the lesson 19 database has an invalid movie, then nothing is imported and the row is listed', async () => {
    const env = await target();
    const result = await runCli(['import-flask', LESSON19], env);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /invalid movie 21: .*trailer must be an http\(s\) URL or empty.*year must be between 1888 and 2100/,
    );
    assert.match(result.stderr, /nothing was imported/);
    assert.equal(await catalogCount(env), 0);
  });

  it('When --skip-invalid is given, then every valid row arrives as it was and the invalid one is printed', async () => {
    const env = await target();
    const result = await runCli(['import-flask', LESSON19, '--skip-invalid'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /skipped movie 21: /);
    assert.match(result.stdout, /imported 18 genres, 20 directors, 20 movies, 0 users; skipped 1/);

    const source = openSqliteConnection(LESSON19, { readonly: true });
    const { db } = openDatabase(env.DATABASE_URL ?? '');
    try {
      const sourceMovies = source.prepare('select * from movie where id <= 20 order by id').all();
      const movies = await db
        .selectFrom('movies')
        .select([
          'id',
          'title',
          'description',
          'trailer',
          'year',
          'rating',
          'genre_id',
          'director_id',
        ])
        .orderBy('id')
        .execute();
      assert.deepEqual(movies, sourceMovies);
      assert.deepEqual(
        await db.selectFrom('genres').select(['id', 'name']).orderBy('id').execute(),
        source.prepare('select id, name from genre order by id').all(),
      );
      assert.deepEqual(
        await db.selectFrom('directors').select(['id', 'name']).orderBy('id').execute(),
        source.prepare('select id, name from director order by id').all(),
      );
      // The search index followed the import: a title, and a director's surname.
      const search = async (word: string) => {
        const movies = createMovieService(
          db,
          env.DATABASE_URL?.startsWith('postgres') ? 'postgres' : 'sqlite',
        );
        const order = [{ key: 'id' as const, descending: false }];
        const page = await movies.list(
          { searchWords: [word] },
          order,
          pageWindow({}),
          { count: true },
          true,
        );
        return page.total;
      };
      assert.equal(await search('йеллоустоун'), 1);
      assert.ok(((await search('тарантино')) ?? 0) > 0);
    } finally {
      source.close();
      await db.destroy();
    }
  });

  it('When legacy users log in with their old passwords, then they get in and their hashes are upgraded', async () => {
    const env = await target();
    const result = await runCli(['import-flask', legacyUsersFixture()], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /1 movies, 3 users/);
    await withApp(env, async (app) => {
      const storedHash = async (username: string) => {
        const { db } = openDatabase(env.DATABASE_URL ?? '');
        try {
          const row = await db
            .selectFrom('users')
            .select('password_hash')
            .where('username', '=', username)
            .executeTakeFirstOrThrow();
          return row.password_hash;
        } finally {
          await db.destroy();
        }
      };
      assert.match(await storedHash('pony'), /^flask_pbkdf2_sha256\$100000\$/);
      const wrong = await apiOf(app).post('/auth/', {
        username: 'pony',
        password: 'my_little_horse',
      });
      assert.equal(wrong.statusCode, 401);
      assert.match(
        await storedHash('pony'),
        /^flask_pbkdf2_sha256\$/,
        'a wrong password changes nothing',
      );
      for (const [username, password, role] of [
        ['pony', 'my_little_pony', 'user'],
        ['boss', 'qwerty', 'admin'],
        ['секретный', 'P@ssw0rd', 'user'],
      ] as const) {
        const response = await apiOf(app).post('/auth/', { username, password });
        assert.equal(response.statusCode, 201, `${username}: ${response.body}`);
        const claims = JSON.parse(
          Buffer.from(
            response.json<{ access_token: string }>().access_token.split('.')[1] ?? '',
            'base64url',
          ).toString(),
        ) as { role: string };
        assert.equal(claims.role, role);
      }
      assert.match(await storedHash('pony'), /^pbkdf2_sha256\$1000\$/);
      assert.doesNotMatch(await storedHash('boss'), /flask/);
      const again = await apiOf(app).post('/auth/', {
        username: 'pony',
        password: 'my_little_pony',
      });
      assert.equal(again.statusCode, 201);
    });
  });

  it('When the salt and count are given on the command line, then those are used', async () => {
    const env = await target();
    const digest = pbkdf2Sync('hunter2!', 'other salt', 1000, 32, 'sha256').toString('base64');
    const file = legacyUsersFixture([[4, 'custom', digest, 'user']]);
    const result = await runCli(
      ['import-flask', file, '--legacy-salt', 'other salt', '--legacy-iterations', '1000'],
      env,
    );
    assert.equal(result.code, 0, result.stderr);
    await withApp(env, async (app) => {
      const custom = await apiOf(app).post('/auth/', { username: 'custom', password: 'hunter2!' });
      assert.equal(custom.statusCode, 201);
      const pony = await apiOf(app).post('/auth/', {
        username: 'pony',
        password: 'my_little_pony',
      });
      assert.equal(pony.statusCode, 401, 'the others were hashed with the default salt');
    });
  });

  it('When roles are unknown or usernames repeat, then they are reported and need --skip-invalid', async () => {
    const env = await target();
    const file = legacyUsersFixture([
      [4, 'PONY', 'm99fjABSDeB3olB/KpA0+mvUiBzG0w13mPDzx1k82f8=', 'user'],
      [5, 'editor', 'm99fjABSDeB3olB/KpA0+mvUiBzG0w13mPDzx1k82f8=', 'editor'],
    ]);
    const refused = await runCli(['import-flask', file], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /invalid user 4: username repeats user 1/);
    assert.match(refused.stderr, /invalid user 5: role "editor" is neither user nor admin/);
    const skipped = await runCli(['import-flask', file, '--skip-invalid'], env);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(skipped.stdout, /3 users; skipped 2/);
  });

  it('When the target already has a catalog, then the import is refused unless --replace', async () => {
    const env = await target(true);
    const refused = await runCli(['import-flask', LESSON19, '--skip-invalid'], env);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    assert.match(refused.stderr, /--replace/);
    const replaced = await runCli(['import-flask', LESSON19, '--skip-invalid', '--replace'], env);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.equal(await catalogCount(env), 20);
  });

  it('When the file is missing, damaged or not a Flask database, then one line, a non-zero exit, and the target untouched', async () => {
    const env = await target(true);
    assert.equal((await runCli(['migrate'], env)).code, 0);
    const damaged = join(folder, 'damaged.db');
    writeFileSync(
      damaged,
      Buffer.from('SQLite format 3\u0000 this is not really a database'.padEnd(4096, 'x')),
    );
    const foreign = join(folder, 'foreign.db');
    const sqlite = openSqliteConnection(foreign);
    sqlite.exec('create table something (x integer)');
    sqlite.close();
    for (const file of [join(folder, 'missing.db'), damaged, foreign]) {
      const result = await runCli(['import-flask', file, '--replace'], env);
      assert.notEqual(result.code, 0, file);
      assert.equal(result.stderr.trim().split('\n').length, 1, `${file}: ${result.stderr}`);
      assert.equal(await catalogCount(env), 20, file);
    }
  });
});
