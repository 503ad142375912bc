import { PostgresAdapter, sql, type Kysely } from 'kysely';
import * as searchWords from './2026_12_07_011_search_words_in_one_place.js';

// Frozen in time: this file must not import application code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

// PostgreSQL only; SQLite's index is unchanged.
//
// Migration 010's documents mark a word's field with a tsvector weight ('кубрик':2B). The GIN
// index keeps words without their weights, so it answered "кубрик in a title" with every movie
// that has the word anywhere, and each of those had to be read to find it is not in a title
// (50,000 movies of a director at 1M: 181 ms to find none). Here the field is part of the
// indexed word, one letter before it: t (title), p (people: director and genre), d
// (description). 'tкубрик' is a word of its own, and GIN answers for it exactly, as it does for
// the frequencies the planner keeps. The vocabulary keeps the words without the letter.

const TAGGED_DOCUMENT = `
  create or replace function movie_search_document(title text, people text, description text)
  returns tsvector language sql immutable parallel safe as $$
    select coalesce(array_to_tsvector(array_agg(distinct word)), '') from (
      select 't' || unnest(movie_search_words(title)) as word
      union all select 'p' || unnest(movie_search_words(people))
      union all select 'd' || unnest(movie_search_words(description))) as words
  $$`;

/** The vocabulary's word: an indexed word without its field's letter. */
const VOCABULARY_TERM = 'substr(term, 2)';

/** Every document again, with the functions in place: the index after the rows. */
async function rebuild(db: AnyDb): Promise<void> {
  for (const { name, where } of searchWords.REFRESH_TRIGGERS) {
    await sql
      .raw(
        `create or replace function movie_search_refresh_${name}() returns trigger
         language plpgsql as $$ begin ${searchWords.refreshSql(where, VOCABULARY_TERM)};
         return null; end $$`,
      )
      .execute(db);
  }
  await sql`drop index movie_search_document_idx`.execute(db);
  await sql`truncate movie_search, movie_search_vocabulary`.execute(db);
  await sql.raw(searchWords.refreshSql('true', VOCABULARY_TERM)).execute(db);
  await sql`create index movie_search_document_idx on movie_search using gin (document)`.execute(
    db,
  );
  await sql`analyze movie_search`.execute(db);
}

export async function up(db: AnyDb): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql.raw(TAGGED_DOCUMENT).execute(db);
  await rebuild(db);
}

/** Migration 011's index again, built afresh. */
export async function down(db: AnyDb): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await searchWords.down(db);
  await searchWords.up(db);
}
