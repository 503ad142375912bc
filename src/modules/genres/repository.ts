import type { Kysely } from 'kysely';
import type { Database, GenreRow } from '../../db/schema.js';
import { countRows, inIdPage } from '../../db/id-paging.js';
import type { IdPageWindow } from '../../shared/keyset-cursor.js';

type Db = Kysely<Database>;

export interface Genre {
  id: number;
  name: string;
}

const genreRowToGenre = (row: Pick<GenreRow, 'id' | 'name'>): Genre => ({
  id: row.id,
  name: row.name,
});

export async function listGenres(db: Db, window: IdPageWindow): Promise<Genre[]> {
  const rows = await db
    .selectFrom('genres')
    .select(['id', 'name'])
    .$call((query) => inIdPage(query, window))
    .execute();
  return rows.map(genreRowToGenre);
}

export const countGenres = (db: Db): Promise<number> => countRows(db, 'genres');

export async function findGenreById(db: Db, id: number): Promise<Genre | undefined> {
  const row = await db
    .selectFrom('genres')
    .select(['id', 'name'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && genreRowToGenre(row);
}

export async function findGenreIdByName(db: Db, name: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('genres')
    .select('id')
    .where('name_key', '=', name.toLowerCase())
    .executeTakeFirst();
  return row?.id;
}

export async function insertGenre(db: Db, name: string): Promise<Genre> {
  const row = await db
    .insertInto('genres')
    .values({ name, name_key: name.toLowerCase() })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
  return genreRowToGenre(row);
}

export async function updateGenreName(db: Db, id: number, name: string): Promise<boolean> {
  const result = await db
    .updateTable('genres')
    .set({ name, name_key: name.toLowerCase() })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function genreHasMovies(db: Db, id: number): Promise<boolean> {
  const row = await db
    .selectFrom('movies')
    .select('id')
    .where('genre_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteGenre(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('genres').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
