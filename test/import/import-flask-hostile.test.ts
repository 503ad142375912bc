import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, tempDatabase } from '../process.js';
import { openSqliteConnection } from '../../src/db/sqlite-connection.js';

const drops: (() => Promise<void>)[] = [];
after(async () => {
  for (const drop of drops) await drop();
});

/** A Flask database whose text holds NUL characters, which SQLite keeps and PostgreSQL refuses. */
function flaskDatabaseWithNul(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'movies-flask-nul-')), 'flask.db');
  const sqlite = openSqliteConnection(file);
  sqlite.exec(`
    create table director (id integer not null, name varchar(255), primary key (id));
    create table genre (id integer not null, name varchar(255), primary key (id));
    create table movie (id integer not null, title varchar(255), description varchar(255), trailer varchar(255),
      year integer, rating float, genre_id integer, director_id integer, primary key (id));
    create table user (id integer not null, username varchar, password varchar, role varchar, primary key (id));
  `);
  sqlite.prepare('insert into genre values (?, ?)').run(1, 'Драма');
  sqlite.prepare('insert into genre values (?, ?)').run(2, 'Nul\u0000genre');
  sqlite.prepare('insert into director values (?, ?)').run(1, 'Режиссёр');
  const movie = sqlite.prepare('insert into movie values (?, ?, ?, ?, ?, ?, ?, ?)');
  movie.run(1, 'Фильм', 'Описание', '', 2001, 7.5, 1, 1);
  movie.run(2, 'Второй', 'a\u0000b', '', 2002, 7, 1, 1);
  sqlite.close();
  return file;
}

describe('import-flask and text a database cannot store', () => {
  it('When Flask rows hold NUL characters, then they are named and refused, and --skip-invalid leaves them out', async () => {
    const database = await tempDatabase();
    drops.push(database.drop);
    const env = {
      DATABASE_URL: database.url,
      JWT_SECRET: 'flask-hostile-secret-flask-hostile-secret',
      SEED_DEMO: 'false',
    };
    const file = flaskDatabaseWithNul();
    const refused = await runCli(['import-flask', file], env);
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(refused.stderr, /invalid genre 2: name must not contain the NUL character/);
    assert.match(refused.stderr, /invalid movie 2: description must not contain the NUL character/);
    assert.doesNotMatch(refused.stderr, /0x00|invalid byte sequence|at /);
    const skipped = await runCli(['import-flask', file, '--skip-invalid'], env);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(skipped.stdout, /imported 1 genres, 1 directors, 1 movies, 0 users; skipped 2/);
  });
});
