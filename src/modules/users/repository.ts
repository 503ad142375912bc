import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../../db/schema.js';
import type { UserPublic } from './schemas.js';

type Db = Kysely<Database>;

export type UserRecord = UserRow;

export const userRowToPublic = (row: Pick<UserRow, 'id' | 'username' | 'role'>): UserPublic => ({
  id: row.id,
  username: row.username,
  role: row.role,
});

export const usernameKeyOf = (username: string): string => username.toLowerCase();

export async function listUsers(db: Db, offset: number, limit: number): Promise<UserPublic[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username', 'role'])
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map(userRowToPublic);
}

export function findUserById(db: Db, id: number): Promise<UserRecord | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByUsername(db: Db, username: string): Promise<UserRecord | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('username_key', '=', usernameKeyOf(username))
    .executeTakeFirst();
}

export async function insertUser(
  db: Db,
  user: { username: string; passwordHash: string; role: UserRow['role'] },
): Promise<UserPublic> {
  const row = await db
    .insertInto('users')
    .values({
      username: user.username,
      username_key: usernameKeyOf(user.username),
      password_hash: user.passwordHash,
      role: user.role,
    })
    .returning(['id', 'username', 'role'])
    .executeTakeFirstOrThrow();
  return userRowToPublic(row);
}

export async function updateUser(
  db: Db,
  id: number,
  changes: { username?: string; passwordHash?: string; role?: UserRow['role'] },
): Promise<void> {
  const { username, passwordHash, role } = changes;
  await db
    .updateTable('users')
    .set({
      ...(username !== undefined && { username, username_key: usernameKeyOf(username) }),
      ...(passwordHash !== undefined && { password_hash: passwordHash }),
      ...(role !== undefined && { role }),
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteUser(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
