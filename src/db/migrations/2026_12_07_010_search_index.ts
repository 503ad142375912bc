import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen in time: this file must not import application code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

// The search index of GET /movies/?search=: the words of each movie's title, of its director's
// and genre's names ("people"), and of its description, folded as src/shared/search-words.ts
// folds a search (accents off, so ё is е and й is и; lower case), and every indexed word once in
// a vocabulary that typo variants are looked up in. The database keeps both in step itself, by
// triggers on movies, directors and genres, whatever writes them.

// Letters and digits of a word after folding, as search-words.ts has them.
const WORD =
  '0-9a-z\\u00df-\\u00f6\\u00f8-\\u00ff\\u0100-\\u024f\\u0386-\\u03ff\\u0400-\\u0481\\u048a-\\u04ff';
// Upper-case letters lower() may leave alone in a C locale and NFKD does not take apart.
const UPPER = 'АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏÆÐØÞ';
const LOWER = 'абвгдежзиклмнопрстуфхцчшщъыьэюяѐёђѓєѕіїјљњћќѝўџæðøþ';

// SQLite: unicode61 with remove_diacritics 2 lowercases and takes the accents off Latin letters;
// ё and й it keeps, so the triggers fold them first.
const fold = (text: string) =>
  `replace(replace(replace(replace(${text}, 'ё', 'е'), 'Ё', 'Е'), 'й', 'и'), 'Й', 'И')`;

// The tables whose names a movie's index row holds, and the movie column naming a row of each.
const NAMED = [
  ['directors', 'director_id'],
  ['genres', 'genre_id'],
] as const;

const sqlitePeople = (movie: string) =>
  `coalesce((select name from directors where id = ${movie}.director_id), '') || ' ' ||
   coalesce((select name from genres where id = ${movie}.genre_id), '')`;

const sqliteRow = (movie: string) =>
  `${movie}.id, ${fold(`${movie}.title`)}, ${fold(sqlitePeople(movie))}, ${fold(`${movie}.description`)}`;

async function upSqlite(db: AnyDb): Promise<void> {
  // Contentless: the index keeps the words, not a second copy of the text. detail=column: which
  // field a word is in, not where in it, as a search asks. Prefix indexes for 1 to 3 letters, so
  // "ф" does not merge the lists of every word that starts with it.
  await sql`create virtual table movie_search using fts5(title, people, description,
    content = '', contentless_delete = 1, detail = column, prefix = '1 2 3',
    tokenize = 'unicode61 remove_diacritics 2')`.execute(db);
  await sql`create virtual table movie_search_vocabulary using fts5vocab(movie_search, 'row')`.execute(
    db,
  );
  await sql
    .raw(
      `insert into movie_search (rowid, title, people, description) select ${sqliteRow('m')} from movies m`,
    )
    .execute(db);
  // One segment instead of the dozens a bulk insert leaves: each term is then one look-up.
  await sql`insert into movie_search (movie_search) values ('optimize')`.execute(db);
  const insertFor = (where: string) =>
    `insert into movie_search (rowid, title, people, description)
     select ${sqliteRow('m')} from movies m where ${where};`;
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

async function upPostgres(db: AnyDb): Promise<void> {
  await sql
    .raw(
      `create function movie_search_words(body text) returns text[] language sql immutable parallel safe as $$
        select coalesce(array_agg(distinct word), '{}') from regexp_split_to_table(
          lower(translate(regexp_replace(normalize(coalesce(body, ''), NFKD), '[\\u0300-\\u036f]', '', 'g'),
            '${UPPER}', '${LOWER}')), '[^${WORD}]+') as word
        where word <> '' and octet_length(word) < 2048
      $$`,
    )
    .execute(db);
  // Each word once, at position 1 (A: title), 2 (B: people) and 3 (C: description) where it is.
  await sql
    .raw(
      `create function movie_search_document(title text, people text, description text)
       returns tsvector language sql immutable parallel safe as $$
        select coalesce(string_agg(format('%L:%s', word, fields), ' '), '')::tsvector from (
          select word, string_agg(field, ',' order by field) as fields from (
            select unnest(movie_search_words(title)) as word, '1A' as field
            union all select unnest(movie_search_words(people)), '2B'
            union all select unnest(movie_search_words(description)), '3C') as words
          group by word) as grouped
      $$`,
    )
    .execute(db);
  await sql`create table movie_search (
    movie_id bigint primary key references movies (id) on delete cascade,
    document tsvector not null)`.execute(db);
  await sql`create table movie_search_vocabulary (term text collate "C" primary key)`.execute(db);
  // The document of movies matching a condition, and their words in the vocabulary (in order, so
  // that two writers adding the same new words take them in one order).
  const refresh = (where: string) => `
    with documents as (
      insert into movie_search (movie_id, document)
      select m.id, movie_search_document(m.title, concat_ws(' ', d.name, g.name), m.description)
      from movies m left join directors d on d.id = m.director_id left join genres g on g.id = m.genre_id
      where ${where}
      on conflict (movie_id) do update set document = excluded.document
      returning document)
    insert into movie_search_vocabulary (term)
    select distinct term from documents, unnest(tsvector_to_array(document)) as term order by term
    on conflict do nothing`;
  await sql.raw(refresh('true')).execute(db);
  await sql`create index movie_search_document_idx on movie_search using gin (document)`.execute(
    db,
  );
  await sql
    .raw(
      `create function movie_search_refresh_movie() returns trigger language plpgsql as $$
      begin ${refresh('m.id = new.id')}; return null; end $$`,
    )
    .execute(db);
  await sql`create trigger movie_search_movie after insert or update of title, description,
    director_id, genre_id on movies for each row execute function movie_search_refresh_movie()`.execute(
    db,
  );
  for (const [table, column] of NAMED) {
    await sql
      .raw(
        `create function movie_search_refresh_${table}() returns trigger language plpgsql as $$
        begin ${refresh(`m.${column} = new.id`)}; return null; end $$`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger movie_search_${table}_rename after update of name on ${table} for each row
         when (old.name is distinct from new.name) execute function movie_search_refresh_${table}()`,
      )
      .execute(db);
  }
}

export async function up(db: AnyDb): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) await upPostgres(db);
  else await upSqlite(db);
}

export async function down(db: AnyDb): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop trigger movie_search_movie on movies`.execute(db);
    await sql`drop trigger movie_search_directors_rename on directors`.execute(db);
    await sql`drop trigger movie_search_genres_rename on genres`.execute(db);
    await sql`drop table movie_search_vocabulary`.execute(db);
    await sql`drop table movie_search`.execute(db);
    for (const name of ['movie', 'directors', 'genres']) {
      await sql.raw(`drop function movie_search_refresh_${name}()`).execute(db);
    }
    await sql`drop function movie_search_document(text, text, text)`.execute(db);
    await sql`drop function movie_search_words(text)`.execute(db);
    return;
  }
  for (const trigger of ['insert', 'update', 'delete', 'directors_rename', 'genres_rename']) {
    await sql.raw(`drop trigger movie_search_${trigger}`).execute(db);
  }
  await sql`drop table movie_search_vocabulary`.execute(db);
  await sql`drop table movie_search`.execute(db);
}
