import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen in time: this file must not import application code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

const CATALOG_TABLES = ['movies', 'genres', 'directors'];

// Every write to the catalog bumps one counter, in the writing transaction, so that each
// instance can tell (by polling it) that its cached catalog answers are out of date.
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('catalog_version')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('catalog_version').values({ id: 1, version: 1 }).execute();

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`
      create function bump_catalog_version() returns trigger language plpgsql as $$
      begin
        update catalog_version set version = version + 1 where id = 1;
        return null;
      end $$`.execute(db);
    for (const table of CATALOG_TABLES) {
      await sql`
        create trigger ${sql.raw(`${table}_bump_catalog_version`)}
        after insert or update or delete on ${sql.table(table)}
        for each statement execute function bump_catalog_version()`.execute(db);
    }
    return;
  }
  for (const table of CATALOG_TABLES) {
    for (const event of ['insert', 'update', 'delete']) {
      await sql`
        create trigger ${sql.raw(`${table}_${event}_bump_catalog_version`)}
        after ${sql.raw(event)} on ${sql.table(table)}
        begin update catalog_version set version = version + 1 where id = 1; end`.execute(db);
    }
  }
}

export async function down(db: AnyDb): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const table of CATALOG_TABLES) {
      await sql`drop trigger ${sql.raw(`${table}_bump_catalog_version`)} on ${sql.table(table)}`.execute(
        db,
      );
    }
    await sql`drop function bump_catalog_version()`.execute(db);
  } else {
    for (const table of CATALOG_TABLES) {
      for (const event of ['insert', 'update', 'delete']) {
        await sql`drop trigger ${sql.raw(`${table}_${event}_bump_catalog_version`)}`.execute(db);
      }
    }
  }
  await db.schema.dropTable('catalog_version').execute();
}
