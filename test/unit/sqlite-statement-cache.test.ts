import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Kysely, SqliteDialect } from 'kysely';
import { withStatementCache } from '../../src/db/sqlite-statement-cache.js';
import { openSqliteConnection } from '../../src/db/sqlite-connection.js';

interface Things {
  things: { id: number; name: string };
}

/** An in-memory database whose prepare() calls are counted by SQL text. */
function countedDatabase() {
  const sqlite = openSqliteConnection(':memory:');
  sqlite.exec('create table things (id integer primary key, name text not null)');
  const prepared: string[] = [];
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((sql: string) => {
    prepared.push(sql);
    return prepare(sql);
  }) as typeof sqlite.prepare;
  return { sqlite, prepared };
}

describe('SQLite statement cache', () => {
  it('When the same SQL runs again, then its statement is reused, not prepared anew', () => {
    const { sqlite, prepared } = countedDatabase();
    const database = withStatementCache(sqlite);
    const first = database.prepare('select name from things where id = ?');
    const second = database.prepare('select name from things where id = ?');
    assert.equal(second, first);
    assert.equal(prepared.length, 1);
  });

  it('When more SQL texts than the bound are used, then the least recently used is dropped', () => {
    const { sqlite, prepared } = countedDatabase();
    const database = withStatementCache(sqlite, 2);
    const [a, b, c] = ['select 1', 'select 2', 'select 3'];
    database.prepare(a);
    database.prepare(b);
    database.prepare(a);
    database.prepare(c);
    assert.deepEqual(prepared, [a, b, c]);
    database.prepare(a);
    assert.equal(prepared.length, 3, 'a was used recently and is kept');
    database.prepare(b);
    assert.deepEqual(prepared, [a, b, c, b], 'b was the least recently used and was dropped');
  });

  it('When Kysely reruns a kept statement, then it binds the new parameters and sees new rows', async () => {
    const { sqlite, prepared } = countedDatabase();
    const db = new Kysely<Things>({
      dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    });
    await db.insertInto('things').values({ id: 1, name: 'one' }).execute();
    const nameOf = async (id: number) =>
      (await db.selectFrom('things').select('name').where('id', '=', id).executeTakeFirst())?.name;
    assert.equal(await nameOf(1), 'one');
    assert.equal(await nameOf(2), undefined);
    await db.insertInto('things').values({ id: 2, name: 'two' }).execute();
    assert.equal(await nameOf(2), 'two');
    await db.updateTable('things').set({ name: 'uno' }).where('id', '=', 1).execute();
    assert.equal(await nameOf(1), 'uno');
    assert.equal(prepared.filter((sql) => sql.startsWith('select')).length, 1);
    await db.destroy();
  });
});
