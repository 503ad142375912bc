import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../../../src/db/schema.js';
import {
  selectMoviesBehind,
  type MovieFilters,
  type MovieOrder,
} from '../../../src/modules/movies/repository.js';
import type { CursorValue } from '../../../src/shared/keyset-cursor.js';
import { buildTestApp, onPostgres, type TestContext } from '../../helpers.js';

let ctx: TestContext;
before(async () => {
  ctx = await buildTestApp();
});
after(() => ctx.app.close());

const dialect = onPostgres ? 'postgres' : 'sqlite';
const desc = (key: MovieOrder[number]['key']) => ({ key, descending: true });
const asc = (key: MovieOrder[number]['key']) => ({ key, descending: false });

const CASES: [string, MovieFilters, MovieOrder, CursorValue[], RegExp, RegExp][] = [
  // name, filters, order, cursor, the plan's index range on SQLite, on PostgreSQL
  [
    'best first',
    {},
    [desc('rating'), desc('id')],
    [7.5, 10],
    /USING INDEX movies_rating_idx \(rating<\?\)/,
    /Index Cond: \(ROW\(rating, id\) < ROW\(/,
  ],
  [
    'a genre, best first',
    { genreId: 5 },
    [desc('rating'), desc('id')],
    [7.5, 10],
    /USING INDEX movies_genre_rating_idx \(genre_id=\? AND rating<\?\)/,
    /Index Cond: \(\(genre_id = .*\) AND \(ROW\(rating, id\) < ROW\(/,
  ],
  [
    'by title',
    {},
    [asc('title'), asc('id')],
    ['abc', 10],
    /USING INDEX movies_title_key_idx \(title_key>\?\)/,
    /Index Cond: \(ROW\(\(title_key\)::text, id\) > ROW\(/,
  ],
  [
    'a director, oldest first',
    { directorId: 3 },
    [asc('year'), asc('id')],
    [2000, 10],
    /USING INDEX movies_director_year_idx \(director_id=\? AND year>\?\)/,
    /Index Cond: \(\(director_id = .*\) AND \(ROW\(year, id\) > ROW\(/,
  ],
  [
    'newest first, among the movies without a year',
    {},
    [desc('year'), desc('id')],
    [null, 10],
    /USING INDEX movies_year_idx \(year=\? AND id<\?\)/,
    /Index Cond: \(\(year IS NULL\) AND \(id < /,
  ],
  ['by id', {}, [asc('id')], [10], /USING INTEGER PRIMARY KEY \(rowid>\?\)/, /Index Cond: \(id > /],
];

async function planOf(db: Kysely<Database>, query: CompiledQuery): Promise<string> {
  const explain = onPostgres ? 'explain' : 'explain query plan';
  const { rows } = await db.executeQuery<Record<string, unknown>>({
    ...query,
    sql: `${explain} ${query.sql}`,
  });
  return rows.map((row) => String(row.detail ?? row['QUERY PLAN'])).join('\n');
}

describe('The keyset query', () => {
  it('When a cursor page is built, then it seeks into the index instead of skipping rows', async () => {
    await ctx.db.connection().execute(async (db) => {
      // The demo tables are tiny: without this PostgreSQL reads them whole whatever the query.
      if (onPostgres) await sql`set enable_seqscan = off`.execute(db);
      try {
        for (const [name, filters, order, cursor, sqlitePlan, postgresPlan] of CASES) {
          const compiled = selectMoviesBehind(db, dialect, filters, order, 13, cursor).compile();
          assert.doesNotMatch(compiled.sql, /offset/i, name);
          const plan = await planOf(db, compiled);
          assert.match(plan, onPostgres ? postgresPlan : sqlitePlan, `${name}:\n${plan}`);
          assert.doesNotMatch(plan, /SCAN movies\b|TEMP B-TREE|Seq Scan on movies/, name);
        }
      } finally {
        if (onPostgres) await sql`reset enable_seqscan`.execute(db);
      }
    });
  });
});
