import { PostgresAdapter, sql, type Kysely } from 'kysely';
import * as searchIndex from './2026_12_07_010_search_index.js';

// Frozen in time: this file must not import application code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

// The search index of migration 010 split and folded words three ways: the search in JavaScript,
// SQLite's unicode61 tokenizer, and PostgreSQL's function. They disagreed: unicode61 kept ї, ў,
// ά and ﬁ whole and took ϶ for a separator, PostgreSQL in a C locale kept Ł and Greek capitals
// upper case, and a word of 2,047 bytes failed a PostgreSQL write. Here both databases index the
// words the search has:
// - SQLite stores the words of the function search_words, which every connection of the service
//   registers (the JavaScript of src/shared/search-words.ts), space-separated, tokenized as they
//   are (the ascii tokenizer splits at spaces and leaves other characters alone);
// - PostgreSQL does the same steps in SQL: NFKD, combining marks off, lower case, final ς as σ,
//   words of the letters below, of at most 2,046 bytes.

/** Letters and digits of a word after folding, as src/shared/search-words.ts has them. */
const WORD =
  '0-9a-z\\u00df-\\u00f6\\u00f8-\\u024f\\u0386\\u0388-\\u038a\\u038c\\u038e-\\u03a1\\u03a3-\\u03f5\\u03f7-\\u0481\\u048a-\\u04ff';
const WORD_MAX_BYTES = 2046;

const NAMED = [
  ['directors', 'director_id'],
  ['genres', 'genre_id'],
] as const;

const sqliteRow = (movie: string) =>
  `${movie}.id, search_words(${movie}.title),
   search_words(coalesce((select name from directors where id = ${movie}.director_id), '') || ' ' ||
     coalesce((select name from genres where id = ${movie}.genre_id), '')),
   search_words(${movie}.description)`;

async function upSqlite(db: AnyDb): Promise<void> {
  await searchIndex.down(db);
  await sql`create virtual table movie_search using fts5(title, people, description,
    content = '', contentless_delete = 1, detail = column, prefix = '1 2 3', tokenize = 'ascii')`.execute(
    db,
  );
  await sql`create virtual table movie_search_vocabulary using fts5vocab(movie_search, 'row')`.execute(
    db,
  );
  const insertFor = (where: string) =>
    `insert into movie_search (rowid, title, people, description)
     select ${sqliteRow('m')} from movies m where ${where};`;
  await sql.raw(insertFor('true')).execute(db);
  await sql`insert into movie_search (movie_search) values ('optimize')`.execute(db);
  await sql
    .raw(
      `create trigger movie_search_insert after insert on movies begin ${insertFor('m.id = new.id')} end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger movie_search_update after update of title, description, director_id, genre_id
       on movies begin delete from movie_search where rowid = old.id; ${insertFor('m.id = new.id')} end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger movie_search_delete after delete on movies begin
       delete from movie_search where rowid = old.id; end`,
    )
    .execute(db);
  for (const [table, column] of NAMED) {
    await sql
      .raw(
        `create trigger movie_search_${table}_rename after update of name on ${table}
         when old.name is not new.name begin
         delete from movie_search where rowid in (select id from movies where ${column} = new.id);
         ${insertFor(`m.${column} = new.id`)} end`,
      )
      .execute(db);
  }
}

/**
 * The upper-case letters of Latin, Greek and Cyrillic whose lower case is a word letter, and
 * those lower cases. PostgreSQL's lower() follows the collation: one that lowers all of them
 * as JavaScript does is chosen (translate() through a table this long costs minutes at 1M).
 */
function caseTable(): { upper: string; lower: string } {
  const letter = new RegExp(`^[${WORD}]$`, 'u');
  let upper = '';
  let lower = '';
  for (let code = 0x80; code < 0x530; code += 1) {
    const char = String.fromCharCode(code);
    const folded = char.toLowerCase();
    if (folded !== char && folded.length === 1 && letter.test(folded)) {
      upper += char;
      lower += folded;
    }
  }
  return { upper, lower };
}

async function caseCollation(db: AnyDb): Promise<string> {
  const { upper, lower } = caseTable();
  const { rows } = await sql<{ collname: string }>`select collname from pg_collation
    where collname in ('pg_c_utf8', 'und-x-icu') and collencoding in (-1, (select encoding from
    pg_database where datname = current_database()))`.execute(db);
  const candidates = [
    'default',
    ...['pg_c_utf8', 'und-x-icu'].filter((name) => rows.some((row) => row.collname === name)),
  ];
  for (const collation of candidates) {
    const { rows: lowered } = await sql<{ lowered: string }>`select lower(${sql.lit(upper)}::text
      collate ${sql.id(collation)}) as lowered`.execute(db);
    if (lowered[0]?.lowered === lower) return collation;
  }
  throw new Error(
    'Search needs PostgreSQL to lower Latin, Greek and Cyrillic capitals: create the database ' +
      'with a UTF-8 locale (LC_CTYPE such as C.UTF-8 or en_US.UTF-8), or use a server with ICU.',
  );
}

/** The statement-level triggers that refresh documents, and the movies each one's refresh reads. */
export const REFRESH_TRIGGERS: readonly {
  name: string;
  trigger: string;
  table: string;
  event: 'insert' | 'update';
  where: string;
}[] = [
  {
    name: 'movie',
    trigger: 'movie_search_movie',
    table: 'movies',
    event: 'insert',
    where: 'm.id in (select id from new_rows)',
  },
  {
    name: 'movie_update',
    trigger: 'movie_search_movie_update',
    table: 'movies',
    event: 'update',
    where: `m.id in (select n.id from new_rows n join old_rows o on o.id = n.id
      where (n.title, n.description, n.director_id, n.genre_id)
        is distinct from (o.title, o.description, o.director_id, o.genre_id))`,
  },
  ...NAMED.map(([table, column]) => ({
    name: table,
    trigger: `movie_search_${table}_rename`,
    table,
    event: 'update' as const,
    where: `m.${column} in (select n.id from new_rows n join old_rows o on o.id = n.id
        where n.name is distinct from o.name)`,
  })),
];

// Movies are read in id order and key-share locked, so a movie deleted meanwhile is left out
// (not an insert its foreign key refuses), and two refreshes take their rows in one order.
/** The statement that refreshes the documents of the movies `where` picks (migration 012 too). */
export const refreshSql = (where: string, vocabularyTerm = 'term') => `
    with documents as (
      insert into movie_search (movie_id, document)
      select m.id, movie_search_document(m.title, concat_ws(' ', d.name, g.name), m.description)
      from movies m left join directors d on d.id = m.director_id left join genres g on g.id = m.genre_id
      where ${where} order by m.id for key share of m
      on conflict (movie_id) do update set document = excluded.document
      returning document)
    insert into movie_search_vocabulary (term)
    select distinct ${vocabularyTerm} from documents, unnest(tsvector_to_array(document)) as term
    order by 1 on conflict do nothing`;

async function upPostgres(db: AnyDb): Promise<void> {
  const collation = await caseCollation(db);
  await sql
    .raw(
      `create or replace function movie_search_words(body text) returns text[] language sql
       immutable parallel safe as $$
        select coalesce(array_agg(distinct word), '{}') from regexp_split_to_table(
          translate(lower(regexp_replace(normalize(coalesce(body, ''), NFKD), '[\\u0300-\\u036f]',
            '', 'g') collate "${collation}"), 'ς', 'σ'), '[^${WORD}]+') as word
        where word <> '' and octet_length(word) <= ${WORD_MAX_BYTES}
      $$`,
    )
    .execute(db);
  // Once per statement, over the rows it changed (a bulk load of a million movies is one set,
  // not a million refreshes); transition tables allow one event and no column list per trigger,
  // so the changes that matter are picked by comparing old and new rows.
  await sql`drop trigger movie_search_movie on movies`.execute(db);
  // Not migration 010's; here only when this migration runs again (bench/search.ts).
  await sql`drop trigger if exists movie_search_movie_update on movies`.execute(db);
  for (const [table] of NAMED) {
    await sql.raw(`drop trigger movie_search_${table}_rename on ${table}`).execute(db);
  }
  // Named as migration 010 names its own, which its down() drops.
  for (const { name, trigger, table, event, where } of REFRESH_TRIGGERS) {
    await sql
      .raw(
        `create or replace function movie_search_refresh_${name}() returns trigger
         language plpgsql as $$ begin ${refreshSql(where)}; return null; end $$`,
      )
      .execute(db);
    const referencing =
      event === 'insert' ? 'new table as new_rows' : 'old table as old_rows new table as new_rows';
    await sql
      .raw(
        `create trigger ${trigger} after ${event} on ${table} referencing ${referencing}
         for each statement execute function movie_search_refresh_${name}()`,
      )
      .execute(db);
  }
  // Every document again, as migration 010 built them: the index after the rows.
  await sql`drop index movie_search_document_idx`.execute(db);
  await sql`truncate movie_search, movie_search_vocabulary`.execute(db);
  await sql.raw(refreshSql('true')).execute(db);
  await sql`create index movie_search_document_idx on movie_search using gin (document)`.execute(
    db,
  );
  // The planner's guess for a word it has no statistics of is the rarest word it has, halved:
  // with the default target (100 words) that is 1 movie in 200, so a rare word was looked for by
  // reading movies in id order until the page filled (340 ms at 1M for no match). With 10,000
  // it keeps the frequent words and guesses a rare word rare, and asks the GIN index.
  await sql`alter table movie_search alter column document set statistics 10000`.execute(db);
  await sql`analyze movie_search`.execute(db);
}

export async function up(db: AnyDb): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) await upPostgres(db);
  else await upSqlite(db);
}

/** The index of migration 010 again, built afresh. */
export async function down(db: AnyDb): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop trigger movie_search_movie_update on movies`.execute(db);
    await sql`drop function movie_search_refresh_movie_update()`.execute(db);
  }
  await searchIndex.down(db);
  await searchIndex.up(db);
}
