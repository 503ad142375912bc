import type { Kysely } from 'kysely';
import type { Database, DirectorRow } from '../../db/schema.js';
import { countRows, inIdPage } from '../../db/id-paging.js';
import type { IdPageWindow } from '../../shared/keyset-cursor.js';

type Db = Kysely<Database>;

export interface Director {
  id: number;
  name: string;
}

const directorRowToDirector = (row: DirectorRow): Director => ({ id: row.id, name: row.name });

export async function listDirectors(db: Db, window: IdPageWindow): Promise<Director[]> {
  const rows = await db
    .selectFrom('directors')
    .selectAll()
    .$call((query) => inIdPage(query, window))
    .execute();
  return rows.map(directorRowToDirector);
}

export const countDirectors = (db: Db): Promise<number> => countRows(db, 'directors');

export async function findDirectorById(db: Db, id: number): Promise<Director | undefined> {
  const row = await db.selectFrom('directors').selectAll().where('id', '=', id).executeTakeFirst();
  return row && directorRowToDirector(row);
}

export async function insertDirector(db: Db, name: string): Promise<Director> {
  const row = await db
    .insertInto('directors')
    .values({ name })
    .returningAll()
    .executeTakeFirstOrThrow();
  return directorRowToDirector(row);
}

export async function updateDirectorName(db: Db, id: number, name: string): Promise<boolean> {
  const result = await db
    .updateTable('directors')
    .set({ name })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function directorHasMovies(db: Db, id: number): Promise<boolean> {
  const row = await db
    .selectFrom('movies')
    .select('id')
    .where('director_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteDirector(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('directors').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
