import type { Kysely } from 'kysely';

// Frozen in time: this file must not import application code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

// One row per counted key (failed logins per account and per address, registrations per
// address), updated by a single upsert that counts and answers at once. Keys are SHA-256 digests:
// what was typed is never stored. A password version on every user lets a login that began before
// a password change be refused when it stores its session.
export async function up(db: AnyDb): Promise<void> {
  await db.schema.dropTable('login_failures').execute();
  await db.schema.dropTable('login_blocks').execute();
  await db.schema
    .createTable('attempt_counters')
    .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('blocked_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('attempt_counters_window_start_idx')
    .on('attempt_counters')
    .column('window_start')
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('password_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('users').dropColumn('password_version').execute();
  await db.schema.dropTable('attempt_counters').execute();
  await db.schema
    .createTable('login_failures')
    .addColumn('key', 'varchar(64)', (c) => c.notNull())
    .addColumn('failed_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('login_failures_key_idx')
    .on('login_failures')
    .columns(['key', 'failed_at'])
    .execute();
  await db.schema
    .createTable('login_blocks')
    .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('blocked_until', 'bigint', (c) => c.notNull())
    .execute();
}
