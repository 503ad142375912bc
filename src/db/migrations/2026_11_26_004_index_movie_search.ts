import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen in time: this file must not import application code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

const COMPOSITE_INDEXES: [string, string[]][] = [
  ['movies_genre_year_idx', ['genre_id', 'year', 'id']],
  ['movies_genre_rating_idx', ['genre_id', 'rating', 'id']],
  ['movies_director_year_idx', ['director_id', 'year', 'id']],
  ['movies_director_rating_idx', ['director_id', 'rating', 'id']],
];

const DESCENDING_INDEXES: [string, string][] = [
  ['movies_year_desc_idx', 'year desc nulls last, id desc'],
  ['movies_rating_desc_idx', 'rating desc nulls last, id desc'],
  ['movies_genre_year_desc_idx', 'genre_id, year desc nulls last, id desc'],
  ['movies_genre_rating_desc_idx', 'genre_id, rating desc nulls last, id desc'],
  ['movies_director_year_desc_idx', 'director_id, year desc nulls last, id desc'],
  ['movies_director_rating_desc_idx', 'director_id, rating desc nulls last, id desc'],
];

// Substring search on titles without reading the whole table: a trigram index on title_key
// (pg_trgm on PostgreSQL, an FTS5 trigram table kept in step by triggers on SQLite).
export async function up(db: AnyDb): Promise<void> {
  for (const [name, columns] of COMPOSITE_INDEXES) {
    await db.schema.createIndex(name).on('movies').columns(columns).execute();
  }
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // PostgreSQL reads an index backwards with nulls first; newest-first and best-first lists
    // (year or rating descending, nulls last) need indexes built in that order.
    for (const [name, columns] of DESCENDING_INDEXES) {
      await sql`create index ${sql.raw(name)} on movies (${sql.raw(columns)})`.execute(db);
    }
    // pg_trgm lives once per database; this finds it (or puts it in public) and names its schema,
    // so the index works whatever schema the service runs in. The lock serialises racing installs.
    await sql`select pg_advisory_xact_lock(hashtext('movie-catalog:pg_trgm'))`.execute(db);
    const found = await sql<{ schema: string }>`
      select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace
      where e.extname = 'pg_trgm'`.execute(db);
    let schema = found.rows[0]?.schema;
    if (schema === undefined) {
      await sql`create extension pg_trgm schema public`.execute(db);
      schema = 'public';
    }
    await sql`create index movies_title_key_trgm_idx on movies
      using gin (title_key ${sql.id(schema, 'gin_trgm_ops')})`.execute(db);
    return;
  }
  await sql`create virtual table movies_title_fts using fts5(
    title_key, content = 'movies', content_rowid = 'id', tokenize = 'trigram case_sensitive 1')`.execute(
    db,
  );
  await sql`insert into movies_title_fts (movies_title_fts) values ('rebuild')`.execute(db);
  await sql`create trigger movies_title_fts_insert after insert on movies begin
    insert into movies_title_fts (rowid, title_key) values (new.id, new.title_key); end`.execute(
    db,
  );
  await sql`create trigger movies_title_fts_delete after delete on movies begin
    insert into movies_title_fts (movies_title_fts, rowid, title_key) values ('delete', old.id, old.title_key); end`.execute(
    db,
  );
  await sql`create trigger movies_title_fts_update after update of title_key on movies begin
    insert into movies_title_fts (movies_title_fts, rowid, title_key) values ('delete', old.id, old.title_key);
    insert into movies_title_fts (rowid, title_key) values (new.id, new.title_key); end`.execute(
    db,
  );
}

export async function down(db: AnyDb): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop index movies_title_key_trgm_idx`.execute(db);
    for (const [name] of DESCENDING_INDEXES) await sql`drop index ${sql.raw(name)}`.execute(db);
  } else {
    for (const trigger of ['insert', 'delete', 'update']) {
      await sql`drop trigger ${sql.raw(`movies_title_fts_${trigger}`)}`.execute(db);
    }
    await sql`drop table movies_title_fts`.execute(db);
  }
  for (const [name] of COMPOSITE_INDEXES) await db.schema.dropIndex(name).execute();
}
