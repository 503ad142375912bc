import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.js';
import {
  selectMoviePage,
  selectMoviesBehind,
  type MovieFilters,
  type MovieOrder,
} from '../../src/modules/movies/repository.js';

// SQLite compiles a statement again on every run when a value bound to it decides its plan: a
// plain `limit ?`, or `like ?` / `glob ?`. Such parameters are written inside an expression.
const BARE = /\b(limit|like|glob)\s+\?(?!\s*\+)/i;

const ORDERS: MovieOrder[] = [
  [{ key: 'id', descending: false }],
  [{ key: 'id', descending: true }],
  [
    { key: 'year', descending: true },
    { key: 'id', descending: true },
  ],
  [
    { key: 'rating', descending: true },
    { key: 'id', descending: true },
  ],
  [
    { key: 'title', descending: false },
    { key: 'id', descending: false },
  ],
];
const FILTERS: MovieFilters[] = [
  {},
  { genreId: 3 },
  { directorId: 2, year: 1999 },
  { titleContains: 'ab' },
  { titleContains: 'сияние' },
  { titleContains: 'сияние', genreId: 3 },
];

describe('SQLite statements keep their plan whatever the values bound', () => {
  it('When a query has a LIMIT, then SQLite gets it as an expression and still limits', async () => {
    const { db } = openDatabase('sqlite::memory:');
    try {
      await sql`create table things (id integer primary key)`.execute(db);
      await sql`insert into things (id) values (1), (2), (3), (4), (5)`.execute(db);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const things = (limit: number) => (db as any).selectFrom('things').select('id').limit(limit);
      assert.match(things(2).compile().sql, /limit \? \+ 0$/);
      const ids = async (limit: number) =>
        ((await things(limit).execute()) as { id: number }[]).map((row) => row.id);
      assert.deepEqual(await ids(2), [1, 2]);
      assert.deepEqual(await ids(4), [1, 2, 3, 4]);
    } finally {
      await db.destroy();
    }
  });

  it('When any movie list is built for SQLite, then no LIMIT, LIKE or GLOB takes a bare parameter', async () => {
    const { db } = openDatabase('sqlite::memory:');
    try {
      let checked = 0;
      for (const order of ORDERS) {
        for (const filters of FILTERS) {
          const after = order.length === 1 ? [7] : ['x', 7];
          for (const query of [
            selectMoviePage(db, 'sqlite', filters, order, 40, 21),
            selectMoviesBehind(db, 'sqlite', filters, order, 21, after),
            selectMoviesBehind(db, 'sqlite', filters, order, 21, [null, 7]),
          ]) {
            const { sql: text } = query.compile();
            assert.doesNotMatch(text, BARE, `${JSON.stringify({ filters, order })}: ${text}`);
            assert.match(text, /limit \? \+ 0/);
            checked += 1;
          }
        }
      }
      assert.equal(checked, ORDERS.length * FILTERS.length * 3);
    } finally {
      await db.destroy();
    }
  });
});
