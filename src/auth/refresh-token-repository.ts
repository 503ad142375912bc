import type { Kysely } from 'kysely';
import type { Database, RefreshTokenRow } from '../db/schema.js';

type Db = Kysely<Database>;

export async function insertFamily(
  db: Db,
  family: { id: string; userId: number; now: number },
): Promise<void> {
  await db
    .insertInto('refresh_families')
    .values({ id: family.id, user_id: family.userId, created_at: family.now, revoked_at: null })
    .execute();
}

export async function insertRefreshToken(
  db: Db,
  token: { jti: string; familyId: string; issuedAt: number; expiresAt: number },
): Promise<void> {
  await db
    .insertInto('refresh_tokens')
    .values({
      jti: token.jti,
      family_id: token.familyId,
      issued_at: token.issuedAt,
      expires_at: token.expiresAt,
      retired_at: null,
      successor_jti: null,
    })
    .execute();
}

/**
 * Reads a family and, inside a transaction, locks it (a no-op write), so rotation
 * and revocation of one family happen one after the other on every database.
 */
export function lockFamily(
  db: Db,
  familyId: string,
): Promise<{ user_id: number; revoked_at: number | null } | undefined> {
  return db
    .updateTable('refresh_families')
    .set((eb) => ({ created_at: eb.ref('created_at') }))
    .where('id', '=', familyId)
    .returning(['user_id', 'revoked_at'])
    .executeTakeFirst();
}

export function findRefreshToken(db: Db, jti: string): Promise<RefreshTokenRow | undefined> {
  return db.selectFrom('refresh_tokens').selectAll().where('jti', '=', jti).executeTakeFirst();
}

export async function retireRefreshToken(
  db: Db,
  jti: string,
  successorJti: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ retired_at: now, successor_jti: successorJti })
    .where('jti', '=', jti)
    .where('retired_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function revokeFamily(db: Db, familyId: string, now: number): Promise<void> {
  await db
    .updateTable('refresh_families')
    .set({ revoked_at: now })
    .where('id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeFamiliesOfUser(db: Db, userId: number, now: number): Promise<void> {
  await db
    .updateTable('refresh_families')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * Forgets a user's revoked families and those whose every token has expired: their tokens
 * are refused either way (a token without a family is refused like a revoked one).
 */
export async function deleteStaleFamilies(db: Db, userId: number, now: number): Promise<void> {
  await db
    .deleteFrom('refresh_families')
    .where('user_id', '=', userId)
    .where((eb) =>
      eb.or([
        eb('revoked_at', 'is not', null),
        eb.not(
          eb.exists(
            eb
              .selectFrom('refresh_tokens')
              .select('refresh_tokens.jti')
              .whereRef('refresh_tokens.family_id', '=', 'refresh_families.id')
              .where('refresh_tokens.expires_at', '>', now),
          ),
        ),
      ]),
    )
    .execute();
}
