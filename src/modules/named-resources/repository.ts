import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { countRows, inIdPage } from '../../db/id-paging.js';
import type { IdPageWindow } from '../../shared/keyset-cursor.js';
import type { CatalogResource } from '../../shared/catalog-resources.js';
import { textKeyOf } from '../../shared/text-key.js';
import type { NamedTable } from './schemas.js';

type Db = Kysely<Database>;

export interface Named {
  id: number;
  name: string;
}

/** Only genres have a name key (name_key), which keeps their names unique. */
export const hasNameKey = (table: NamedTable): table is 'genres' => table === 'genres';

// The movies column that points at a row of the table.
const MOVIE_COLUMN = { genres: 'genre_id', directors: 'director_id' } as const;

/** The tables a genre or director answer is read from: its own only (no movie is embedded). */
export const namedAnswerReads = (table: NamedTable): readonly CatalogResource[] => [table];

const namedOf = (row: Named): Named => ({ id: row.id, name: row.name });

const nameColumns = (table: NamedTable, name: string) =>
  hasNameKey(table) ? { name, name_key: textKeyOf(name) } : { name };

export async function listNamed(db: Db, table: NamedTable, window: IdPageWindow): Promise<Named[]> {
  const rows = await db
    .selectFrom(table)
    .select(['id', 'name'])
    .$call((query) => inIdPage(query, window))
    .execute();
  return rows.map(namedOf);
}

export const countNamed = (db: Db, table: NamedTable): Promise<number> => countRows(db, table);

export async function findNamedById(
  db: Db,
  table: NamedTable,
  id: number,
): Promise<Named | undefined> {
  const row = await db
    .selectFrom(table)
    .select(['id', 'name'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && namedOf(row);
}

export async function findIdByName(
  db: Db,
  table: 'genres',
  name: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom(table)
    .select('id')
    .where('name_key', '=', textKeyOf(name))
    .executeTakeFirst();
  return row?.id;
}

export async function insertNamed(db: Db, table: NamedTable, name: string): Promise<Named> {
  const row = await db
    .insertInto(table)
    .values(nameColumns(table, name))
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
  return namedOf(row);
}

export async function updateName(
  db: Db,
  table: NamedTable,
  id: number,
  name: string,
): Promise<boolean> {
  const result = await db
    .updateTable(table)
    .set(nameColumns(table, name))
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function hasMovies(db: Db, table: NamedTable, id: number): Promise<boolean> {
  const row = await db
    .selectFrom('movies')
    .select('id')
    .where(MOVIE_COLUMN[table], '=', id)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteNamed(db: Db, table: NamedTable, id: number): Promise<boolean> {
  const result = await db.deleteFrom(table).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
