import type { Kysely } from 'kysely';

// Frozen in time: this file must not import application code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

// What the movie website needs: log in by email, a small profile, favourite movies.
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('users').addColumn('email', 'varchar(254)').execute();
  // email.toLowerCase(), unique: one account per address whatever its case.
  await db.schema.alterTable('users').addColumn('email_key', 'varchar(254)').execute();
  await db.schema
    .createIndex('users_email_key_idx')
    .unique()
    .on('users')
    .column('email_key')
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('name', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('surname', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('favourite_genre', 'bigint', (c) => c.references('genres.id').onDelete('set null'))
    .execute();

  await db.schema
    .createTable('favorites')
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('movie_id', 'bigint', (c) => c.notNull().references('movies.id').onDelete('cascade'))
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('favorites_pkey', ['user_id', 'movie_id'])
    .execute();
  await db.schema
    .createIndex('favorites_movie_id_idx')
    .on('favorites')
    .column('movie_id')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('favorites').execute();
  await db.schema.dropIndex('users_email_key_idx').execute();
  for (const column of ['favourite_genre', 'surname', 'name', 'email_key', 'email']) {
    await db.schema.alterTable('users').dropColumn(column).execute();
  }
}
