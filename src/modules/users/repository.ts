import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../../db/schema.js';
import { countRows, inIdPage } from '../../db/id-paging.js';
import type { IdPageWindow } from '../../shared/keyset-cursor.js';
import { textKeyOf } from '../../shared/text-key.js';
import type { Role } from '../../shared/limits.js';
import type { UserPublic } from './schemas.js';

type Db = Kysely<Database>;

export type UserRecord = UserRow;

const PUBLIC_COLUMNS = [
  'id',
  'username',
  'role',
  'email',
  'name',
  'surname',
  'favourite_genre',
] as const;

export const userRowToPublic = (
  row: Pick<UserRow, (typeof PUBLIC_COLUMNS)[number]>,
): UserPublic => ({
  id: row.id,
  username: row.username,
  role: row.role,
  email: row.email,
  name: row.name,
  surname: row.surname,
  favourite_genre: row.favourite_genre,
});

/** Usernames and emails are unique ignoring case: a user is found by the text key of either. */
function findUserByTextKey(
  db: Db,
  column: 'username_key' | 'email_key',
  text: string,
): Promise<UserRecord | undefined> {
  return db.selectFrom('users').selectAll().where(column, '=', textKeyOf(text)).executeTakeFirst();
}

export const findUserByEmail = (db: Db, email: string): Promise<UserRecord | undefined> =>
  findUserByTextKey(db, 'email_key', email);

export async function listUsers(db: Db, window: IdPageWindow): Promise<UserPublic[]> {
  const rows = await db
    .selectFrom('users')
    .select(PUBLIC_COLUMNS)
    .$call((query) => inIdPage(query, window))
    .execute();
  return rows.map(userRowToPublic);
}

export const countUsers = (db: Db): Promise<number> => countRows(db, 'users');

export function findUserById(db: Db, id: number): Promise<UserRecord | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export const findUserByUsername = (db: Db, username: string): Promise<UserRecord | undefined> =>
  findUserByTextKey(db, 'username_key', username);

export async function insertUser(
  db: Db,
  user: { username: string; passwordHash: string; role: Role; email?: string },
): Promise<UserPublic> {
  const row = await db
    .insertInto('users')
    .values({
      username: user.username,
      username_key: textKeyOf(user.username),
      password_hash: user.passwordHash,
      role: user.role,
      email: user.email ?? null,
      email_key: user.email === undefined ? null : textKeyOf(user.email),
    })
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirstOrThrow();
  return userRowToPublic(row);
}

export async function updateUser(
  db: Db,
  id: number,
  changes: {
    username?: string;
    passwordHash?: string;
    role?: Role;
    email?: string | null;
    name?: string;
    surname?: string;
    favouriteGenre?: number | null;
  },
): Promise<void> {
  const { username, passwordHash, role, email, name, surname, favouriteGenre } = changes;
  if (Object.values(changes).every((value) => value === undefined)) return;
  await db
    .updateTable('users')
    .set((eb) => ({
      ...(username !== undefined && { username, username_key: textKeyOf(username) }),
      ...(passwordHash !== undefined && {
        password_hash: passwordHash,
        password_version: eb('password_version', '+', 1),
      }),
      ...(role !== undefined && { role }),
      ...(email !== undefined && { email, email_key: email === null ? null : textKeyOf(email) }),
      ...(name !== undefined && { name }),
      ...(surname !== undefined && { surname }),
      ...(favouriteGenre !== undefined && { favourite_genre: favouriteGenre }),
    }))
    .where('id', '=', id)
    .execute();
}

/**
 * The user's password version, read under a row lock (a no-op write) inside a transaction, so a
 * password change cannot commit between this read and the end of that transaction.
 */
export async function lockPasswordVersion(db: Db, id: number): Promise<number | undefined> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({ password_version: eb.ref('password_version') }))
    .where('id', '=', id)
    .returning('password_version')
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.password_version);
}

/** Stores a rehash of the same password, unless the password changed meanwhile. */
export async function replaceHashIfUnchanged(
  db: Db,
  id: number,
  previousHash: string,
  newHash: string,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ password_hash: newHash })
    .where('id', '=', id)
    .where('password_hash', '=', previousHash)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The user's role as stored now, or null when the user no longer exists. */
export async function findCurrentRole(db: Db, id: number): Promise<Role | null> {
  const row = await db.selectFrom('users').select('role').where('id', '=', id).executeTakeFirst();
  return row?.role ?? null;
}

export async function deleteUser(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
