import { sql, type Kysely } from 'kysely';
import type { Dialect } from './database.js';
import type { Database } from './schema.js';

/** Kysely's own bookkeeping, not application data. */
export const MIGRATION_TABLES: readonly string[] = ['kysely_migration', 'kysely_migration_lock'];

export interface TableInfo {
  readonly name: string;
  /** Tables this one references through a foreign key (itself excluded). */
  readonly references: readonly string[];
}

// A virtual table's shadow tables are its storage: the virtual table stands for them.
async function sqliteTables(db: Kysely<Database>): Promise<TableInfo[]> {
  const { rows } = await sql<{ name: string; parent: string | null }>`
    select t.name as name, f."table" as parent
    from pragma_table_list t left join pragma_foreign_key_list(t.name) f
    where t.schema = 'main' and t.type in ('table', 'virtual')
      and t.name not like 'sqlite\\_%' escape '\\'
  `.execute(db);
  return groupReferences(rows);
}

async function postgresTables(db: Kysely<Database>): Promise<TableInfo[]> {
  const { rows } = await sql<{ name: string; parent: string | null }>`
    select c.relname as name, p.relname as parent
    from pg_class c
    left join pg_constraint k on k.conrelid = c.oid and k.contype = 'f'
    left join pg_class p on p.oid = k.confrelid
    where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p')
  `.execute(db);
  return groupReferences(rows);
}

function groupReferences(rows: { name: string; parent: string | null }[]): TableInfo[] {
  const tables = new Map<string, Set<string>>();
  for (const { name, parent } of rows) {
    const references = tables.get(name) ?? new Set<string>();
    if (parent !== null && parent !== name) references.add(parent);
    tables.set(name, references);
  }
  return [...tables]
    .filter(([name]) => !MIGRATION_TABLES.includes(name))
    .map(([name, references]) => ({ name, references: [...references].sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The application's tables as the database catalog lists them, with their foreign keys. */
export function listApplicationTables(
  db: Kysely<Database>,
  dialect: Dialect,
): Promise<TableInfo[]> {
  return dialect === 'postgres' ? postgresTables(db) : sqliteTables(db);
}

/** Every table after the tables it references; throws on a cycle. */
export function inForeignKeyOrder(tables: readonly TableInfo[]): string[] {
  const ordered: string[] = [];
  const placed = new Set<string>();
  let pending = [...tables];
  while (pending.length > 0) {
    const ready = pending.filter((table) => table.references.every((name) => placed.has(name)));
    if (ready.length === 0) {
      throw new Error(`foreign keys form a cycle among ${pending.map((t) => t.name).join(', ')}`);
    }
    for (const table of ready) {
      ordered.push(table.name);
      placed.add(table.name);
    }
    pending = pending.filter((table) => !placed.has(table.name));
  }
  return ordered;
}
