import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must not import application code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

// One row per family instead of one per refresh: the current token, and the one it replaced.
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('refresh_families_next')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('generation', 'bigint', (c) => c.notNull())
    .addColumn('current_jti', 'varchar(64)', (c) => c.notNull())
    .addColumn('current_issued_at', 'bigint', (c) => c.notNull())
    .addColumn('current_expires_at', 'bigint', (c) => c.notNull())
    .addColumn('previous_jti', 'varchar(64)')
    .addColumn('previous_retired_at', 'bigint')
    .execute();

  // Live tokens keep working: each family keeps its unretired token and the one that token replaced.
  await sql`
    insert into refresh_families_next (id, user_id, created_at, revoked_at, generation,
      current_jti, current_issued_at, current_expires_at, previous_jti, previous_retired_at)
    select f.id, f.user_id, f.created_at, f.revoked_at,
      (select count(*) from refresh_tokens n where n.family_id = f.id),
      c.jti, c.issued_at, c.expires_at, p.jti, p.retired_at
    from refresh_families f
    join refresh_tokens c on c.jti = (
      select t.jti from refresh_tokens t
      where t.family_id = f.id and t.retired_at is null
      order by t.issued_at desc, t.jti
      limit 1)
    left join refresh_tokens p on p.family_id = f.id and p.successor_jti = c.jti
  `.execute(db);

  await db.schema.dropTable('refresh_tokens').execute();
  await db.schema.dropTable('refresh_families').execute();
  await db.schema.alterTable('refresh_families_next').renameTo('refresh_families').execute();
  await db.schema
    .createIndex('refresh_families_user_id_idx')
    .on('refresh_families')
    .column('user_id')
    .execute();
  await db.schema
    .createIndex('refresh_families_expires_at_idx')
    .on('refresh_families')
    .column('current_expires_at')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
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
  await sql`
    insert into refresh_tokens (jti, family_id, issued_at, expires_at, retired_at, successor_jti)
    select current_jti, id, current_issued_at, current_expires_at, null, null from refresh_families
  `.execute(db);
  // The previous token's own expiry is not kept; the current token's is an upper bound.
  await sql`
    insert into refresh_tokens (jti, family_id, issued_at, expires_at, retired_at, successor_jti)
    select previous_jti, id, previous_retired_at, current_expires_at, previous_retired_at, current_jti
    from refresh_families where previous_jti is not null
  `.execute(db);
  await db.schema.dropIndex('refresh_families_expires_at_idx').execute();
  for (const column of [
    'previous_retired_at',
    'previous_jti',
    'current_expires_at',
    'current_issued_at',
    'current_jti',
    'generation',
  ]) {
    await db.schema.alterTable('refresh_families').dropColumn(column).execute();
  }
}
