import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { textKeyOf } from '../shared/text-key.js';
import type { Role } from '../shared/limits.js';
import type { Database, MovieRow } from './schema.js';

/** Catalog rows with their ids, as the demo seed and the Flask importer bring them. */
export interface Catalog {
  genres: { id: number; name: string }[];
  directors: { id: number; name: string }[];
  movies: Omit<MovieRow, 'title_key'>[];
}

/** A user kept with its id and an already computed password hash. */
export interface UserWithHash {
  readonly id: number;
  readonly username: string;
  readonly role: Role;
  readonly password_hash: string;
}

const BATCH = 500;

async function insertInBatches<T>(
  rows: readonly T[],
  insert: (batch: T[]) => Promise<unknown>,
): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH)
    await insert(rows.slice(start, start + BATCH));
}

/** Inserts genres, directors and movies with their ids and keys; run inside a transaction. */
export async function insertCatalog(trx: Kysely<Database>, catalog: Catalog): Promise<void> {
  await insertInBatches(catalog.genres, (batch) =>
    trx
      .insertInto('genres')
      .values(batch.map((g) => ({ id: g.id, name: g.name, name_key: textKeyOf(g.name) })))
      .execute(),
  );
  await insertInBatches(catalog.directors, (batch) =>
    trx.insertInto('directors').values(batch).execute(),
  );
  await insertInBatches(catalog.movies, (batch) =>
    trx
      .insertInto('movies')
      .values(batch.map((m) => ({ ...m, title_key: textKeyOf(m.title) })))
      .execute(),
  );
  await optimizeSearchIndex(trx);
}

/**
 * After a bulk load. SQLite: the search index's many segments merged into one, so that each
 * word a search looks up (typo variants: hundreds) is one seek, not one per segment (at 1M
 * movies, 736 look-ups took 5 ms before and 1 ms after). PostgreSQL: the index's word
 * statistics taken now, not when autovacuum gets to it, so that a rare word is looked up in the
 * GIN index rather than found by reading every movie in id order (migration 011).
 */
export async function optimizeSearchIndex(db: Kysely<Database>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`analyze movie_search`.execute(db);
    return;
  }
  await sql`insert into movie_search (movie_search) values ('optimize')`.execute(db);
}

/** Empties the catalog: movies first, as they refer to genres and directors. */
export async function deleteCatalog(trx: Kysely<Database>): Promise<void> {
  await trx.deleteFrom('movies').execute();
  await trx.deleteFrom('genres').execute();
  await trx.deleteFrom('directors').execute();
}

/** The id and username key of every user, to find those a bulk insert would collide with. */
export function listUserKeys(
  trx: Kysely<Database>,
): Promise<{ id: number; username_key: string }[]> {
  return trx.selectFrom('users').select(['id', 'username_key']).execute();
}

export async function insertUsersWithHashes(
  trx: Kysely<Database>,
  users: readonly UserWithHash[],
): Promise<void> {
  await insertInBatches(users, (batch) =>
    trx
      .insertInto('users')
      .values(
        batch.map((user) => ({
          id: user.id,
          username: user.username,
          username_key: textKeyOf(user.username),
          role: user.role,
          password_hash: user.password_hash,
        })),
      )
      .execute(),
  );
}
