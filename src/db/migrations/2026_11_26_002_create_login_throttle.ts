import type { Kysely } from 'kysely';

// Frozen in time: this file must not import application code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

// Keys are SHA-256 digests of "u:<username>" or "a:<address>": what was typed is never stored.
export async function up(db: AnyDb): Promise<void> {
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

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('login_blocks').execute();
  await db.schema.dropTable('login_failures').execute();
}
