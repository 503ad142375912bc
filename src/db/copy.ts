import { sql, type Kysely } from 'kysely';
import { COPIED_TABLES, COPY_PLAN } from './copy-plan.js';
import type { Dialect } from './database.js';
import { MIGRATION_NAMES } from './migrate.js';
import type { Database } from './schema.js';
import { catalogIsEmpty, resetIdentitySequences } from './seed.js';
import { inForeignKeyOrder, listApplicationTables } from './tables.js';

const BATCH = 500;

/** Rows copied per table, in COPY_PLAN's order. */
export type CopyCounts = Record<string, number>;

export class CopyRefused extends Error {}

type Row = Record<string, unknown>;
// Tables are named at run time, from the catalog; rows pass through unchanged.
type AnyTables = Kysely<Record<string, Row>>;

async function assertSourceUpToDate(source: Kysely<Database>): Promise<void> {
  const applied = await sql<{ name: string }>`select name from kysely_migration`
    .execute(source)
    .catch(() => {
      throw new CopyRefused('the source is not a database of this service (no migrations table)');
    });
  const names = new Set(applied.rows.map((row) => row.name));
  const missing = MIGRATION_NAMES.filter((name) => !names.has(name));
  if (missing.length > 0) {
    throw new CopyRefused(
      `the source is not up to date: run "npm run cli -- migrate" against it first`,
    );
  }
}

/** The highest id SQLite ever handed out per table (AUTOINCREMENT never reuses one). */
async function idsHandedOut(source: Kysely<Database>): Promise<Record<string, number>> {
  const { rows } = await sql<{ name: string; seq: number }>`select name, seq from sqlite_sequence`
    .execute(source)
    .catch(() => ({ rows: [] }));
  return Object.fromEntries(rows.map((row) => [row.name, Number(row.seq)]));
}

/** The source's tables in foreign-key order, refusing any table COPY_PLAN does not decide on. */
async function tablesToCopy(source: Kysely<Database>): Promise<string[]> {
  const tables = await listApplicationTables(source, 'sqlite');
  const unknown = tables.filter((table) => COPY_PLAN[table.name] === undefined);
  if (unknown.length > 0) {
    const names = unknown.map((table) => `"${table.name}"`).join(', ');
    throw new CopyRefused(`the source has tables copy-to-postgres does not know: ${names}`);
  }
  return inForeignKeyOrder(tables).filter((name) => COPY_PLAN[name]?.copy);
}

async function targetIsEmpty(target: Kysely<Database>): Promise<boolean> {
  const user = await target.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return user === undefined && (await catalogIsEmpty(target));
}

async function* batchesOf(source: AnyTables, table: string, key: readonly string[]) {
  const keyColumns = sql.join(key.map((column) => sql.ref(column)));
  let after: unknown[] | null = null;
  for (;;) {
    const last = after;
    const rows: Row[] = await source
      .selectFrom(table)
      .selectAll()
      .$if(last !== null, (query) =>
        query.where(
          sql<boolean>`(${keyColumns}) > (${sql.join((last ?? []).map((value) => sql.val(value)))})`,
        ),
      )
      .orderBy(key.map((column) => sql.ref(column)))
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return;
    yield rows;
    const lastRow = rows[rows.length - 1] ?? {};
    after = key.map((column) => lastRow[column]);
  }
}

/** Copies every table the application owns, ids and password hashes included, in one transaction. */
export async function copyDatabase(
  source: Kysely<Database>,
  target: Kysely<Database>,
  targetDialect: Dialect,
): Promise<CopyCounts> {
  await assertSourceUpToDate(source);
  const order = await tablesToCopy(source);
  if (!(await targetIsEmpty(target))) {
    throw new CopyRefused('the target already holds users or catalog rows; it must be empty');
  }
  const counts: CopyCounts = Object.fromEntries(COPIED_TABLES.map((table) => [table, 0]));
  await target.transaction().execute(async (trx) => {
    for (const table of order) {
      const plan = COPY_PLAN[table];
      if (!plan?.copy) continue;
      for await (const rows of batchesOf(source as unknown as AnyTables, table, plan.key)) {
        await (trx as unknown as AnyTables).insertInto(table).values(rows).execute();
        counts[table] = (counts[table] ?? 0) + rows.length;
      }
    }
    await resetIdentitySequences(trx, targetDialect, await idsHandedOut(source));
  });
  return counts;
}
