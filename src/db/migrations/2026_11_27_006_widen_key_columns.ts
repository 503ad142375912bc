import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen in time: this file must not import application code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

interface KeyColumn {
  readonly table: string;
  readonly column: string;
  readonly collation: 'C' | null;
  readonly sourceLength: number;
}

// Keys hold toLowerCase() of their source; "İ" (U+0130) lowercases to two code points, the most
// any code point grows, so a key needs twice its source's length.
const KEY_COLUMNS: KeyColumn[] = [
  { table: 'genres', column: 'name_key', collation: 'C', sourceLength: 255 },
  { table: 'movies', column: 'title_key', collation: 'C', sourceLength: 255 },
  { table: 'users', column: 'username_key', collation: 'C', sourceLength: 150 },
  { table: 'users', column: 'email_key', collation: null, sourceLength: 254 },
];

async function resize(db: AnyDb, key: KeyColumn, length: number): Promise<void> {
  const collate = key.collation === null ? sql`` : sql` collate ${sql.id(key.collation)}`;
  await sql`alter table ${sql.table(key.table)} alter column ${sql.ref(key.column)}
    type varchar(${sql.raw(String(length))})${collate}`.execute(db);
}

// SQLite does not enforce varchar lengths; only PostgreSQL's columns change.
export async function up(db: AnyDb): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const key of KEY_COLUMNS) await resize(db, key, key.sourceLength * 2);
}

export async function down(db: AnyDb): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const key of KEY_COLUMNS) await resize(db, key, key.sourceLength);
}
