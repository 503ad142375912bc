import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen in time: this file must not import application code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

const CATALOG_TABLES = ['movies', 'genres', 'directors'];
const EVENTS = ['insert', 'update', 'delete'];

// One counter per catalog table instead of one for all, so that a movie write leaves cached
// genre and director answers alone. The writing transaction bumps its table's row; on PostgreSQL
// it also notifies channel catalog_changes with "<schema> <table> <version>", delivered at commit.
export async function up(db: AnyDb): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await dropSingleVersion(db, postgres);
  await db.schema
    .createTable('catalog_versions')
    .addColumn('resource', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await db
    .insertInto('catalog_versions')
    .values(CATALOG_TABLES.map((resource) => ({ resource, version: 1 })))
    .execute();

  if (postgres) {
    await sql`
      create function bump_catalog_resource_version() returns trigger language plpgsql as $$
      declare
        bumped bigint;
      begin
        update catalog_versions set version = version + 1 where resource = TG_TABLE_NAME
          returning version into bumped;
        perform pg_notify('catalog_changes', TG_TABLE_SCHEMA || ' ' || TG_TABLE_NAME || ' ' || bumped);
        return null;
      end $$`.execute(db);
    for (const table of CATALOG_TABLES) {
      await sql`
        create trigger ${sql.raw(`${table}_bump_resource_version`)}
        after insert or update or delete or truncate on ${sql.table(table)}
        for each statement execute function bump_catalog_resource_version()`.execute(db);
    }
    return;
  }
  for (const table of CATALOG_TABLES) {
    for (const event of EVENTS) {
      await sql`
        create trigger ${sql.raw(`${table}_${event}_bump_resource_version`)}
        after ${sql.raw(event)} on ${sql.table(table)}
        begin
          update catalog_versions set version = version + 1 where resource = ${sql.lit(table)};
        end`.execute(db);
    }
  }
}

export async function down(db: AnyDb): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) {
    for (const table of CATALOG_TABLES) {
      await sql`drop trigger ${sql.raw(`${table}_bump_resource_version`)} on ${sql.table(table)}`.execute(
        db,
      );
    }
    await sql`drop function bump_catalog_resource_version()`.execute(db);
  } else {
    for (const table of CATALOG_TABLES) {
      for (const event of EVENTS) {
        await sql`drop trigger ${sql.raw(`${table}_${event}_bump_resource_version`)}`.execute(db);
      }
    }
  }
  await db.schema.dropTable('catalog_versions').execute();
  await restoreSingleVersion(db, postgres);
}

async function dropSingleVersion(db: AnyDb, postgres: boolean): Promise<void> {
  if (postgres) {
    for (const table of CATALOG_TABLES) {
      await sql`drop trigger ${sql.raw(`${table}_bump_catalog_version`)} on ${sql.table(table)}`.execute(
        db,
      );
    }
    await sql`drop function bump_catalog_version()`.execute(db);
  } else {
    for (const table of CATALOG_TABLES) {
      for (const event of EVENTS) {
        await sql`drop trigger ${sql.raw(`${table}_${event}_bump_catalog_version`)}`.execute(db);
      }
    }
  }
  await db.schema.dropTable('catalog_version').execute();
}

// What migration 003 created: one counter bumped by every catalog write.
async function restoreSingleVersion(db: AnyDb, postgres: boolean): Promise<void> {
  await db.schema
    .createTable('catalog_version')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('catalog_version').values({ id: 1, version: 1 }).execute();
  if (postgres) {
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
    for (const event of EVENTS) {
      await sql`
        create trigger ${sql.raw(`${table}_${event}_bump_catalog_version`)}
        after ${sql.raw(event)} on ${sql.table(table)}
        begin update catalog_version set version = version + 1 where id = 1; end`.execute(db);
    }
  }
}
