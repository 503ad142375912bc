import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// Frozen in time: this file must not import application code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

function isPostgres(db: AnyDb): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

// 64-bit identity ids on both databases; explicit ids (seed, import) stay allowed.
function withIdentity(db: AnyDb) {
  const postgres = isPostgres(db);
  return (column: ColumnDefinitionBuilder) =>
    postgres
      ? column.primaryKey().generatedByDefaultAsIdentity()
      : column.primaryKey().autoIncrement();
}

function idType(db: AnyDb) {
  return isPostgres(db) ? 'bigint' : 'integer';
}

// Lowercased keys compare by code point on both databases (SQLite's default is binary).
function keyType(db: AnyDb, length: number) {
  return isPostgres(db)
    ? sql`varchar(${sql.raw(String(length))}) collate "C"`
    : sql`varchar(${sql.raw(String(length))})`;
}

export async function up(db: AnyDb): Promise<void> {
  const identity = withIdentity(db);
  const id = idType(db);

  await db.schema
    .createTable('genres')
    .addColumn('id', id, identity)
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('name_key', keyType(db, 255), (c) => c.notNull().unique())
    .execute();

  await db.schema
    .createTable('directors')
    .addColumn('id', id, identity)
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('movies')
    .addColumn('id', id, identity)
    .addColumn('title', 'varchar(255)', (c) => c.notNull())
    .addColumn('title_key', keyType(db, 255), (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('trailer', 'varchar(2048)', (c) => c.notNull().defaultTo(''))
    .addColumn('year', 'integer')
    .addColumn('rating', 'double precision')
    .addColumn('genre_id', 'bigint', (c) => c.references('genres.id').onDelete('restrict'))
    .addColumn('director_id', 'bigint', (c) => c.references('directors.id').onDelete('restrict'))
    .execute();
  await db.schema
    .createIndex('movies_genre_id_idx')
    .on('movies')
    .columns(['genre_id', 'id'])
    .execute();
  await db.schema
    .createIndex('movies_director_id_idx')
    .on('movies')
    .columns(['director_id', 'id'])
    .execute();
  await db.schema.createIndex('movies_year_idx').on('movies').columns(['year', 'id']).execute();
  await db.schema.createIndex('movies_rating_idx').on('movies').columns(['rating', 'id']).execute();
  await db.schema
    .createIndex('movies_title_key_idx')
    .on('movies')
    .columns(['title_key', 'id'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', id, identity)
    .addColumn('username', 'varchar(150)', (c) => c.notNull())
    .addColumn('username_key', keyType(db, 150), (c) => c.notNull().unique())
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull().check(sql`role in ('user', 'admin')`))
    .execute();

  await db.schema
    .createTable('refresh_families')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('refresh_families_user_id_idx')
    .on('refresh_families')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('refresh_tokens')
    .addColumn('jti', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('family_id', 'varchar(64)', (c) =>
      c.notNull().references('refresh_families.id').onDelete('cascade'),
    )
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .addColumn('successor_jti', 'varchar(64)')
    .execute();
  await db.schema
    .createIndex('refresh_tokens_family_id_idx')
    .on('refresh_tokens')
    .column('family_id')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'refresh_tokens',
    'refresh_families',
    'users',
    'movies',
    'directors',
    'genres',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
