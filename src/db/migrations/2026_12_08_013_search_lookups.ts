import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen in time: this file must not import application code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

// Look-ups a search makes, each one statement that stops early.
//
// SQLite: the words of the index by instance. Migration 010's vocabulary ('row') counts every
// movie of each word it returns, so naming a word reads its whole list: the prefix "вет" (83,333
// movies at 1M) took 1.4 ms to find one longer word, and the typo variants of "ветир" 1.8 ms to
// find "ветер". The 'instance' table returns a word's movies one by one: asked for one, it reads
// one (0.015 and 0.45 ms).
//
// PostgreSQL: movie_search_matches(query, most), the movie_search rows matching the tsquery, at
// most `most` (null: all), in no order. A search reads the GIN index with the other plans off:
// the planner's estimate for two words or a prefix can be wrong by a factor of thousands, and a
// sequential scan it picks from one reads the million documents. Turning them off took a
// transaction of four round trips (begin, the settings, the read, commit); a function's own
// settings hold for its call only, so the read is one statement and may sit inside a larger one.
const MATCHES = `
  create or replace function movie_search_matches(query tsquery, most bigint)
  returns setof movie_search language sql stable rows 100
  set enable_seqscan = off
  set enable_indexscan = off
  set max_parallel_workers_per_gather = 0
  set jit = off
  as $$ select s.* from movie_search s where s.document @@ query limit most $$`;

export async function up(db: AnyDb): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql.raw(MATCHES).execute(db);
  } else {
    await sql`create virtual table movie_search_instances
      using fts5vocab(movie_search, 'instance')`.execute(db);
  }
}

export async function down(db: AnyDb): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop function movie_search_matches(tsquery, bigint)`.execute(db);
  } else {
    await sql`drop table movie_search_instances`.execute(db);
  }
}
