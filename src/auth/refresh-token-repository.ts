import type { Kysely } from 'kysely';
import type { Database, RefreshFamilyRow } from '../db/schema.js';

type Db = Kysely<Database>;

/** A refresh token as stored: times in milliseconds. */
export interface StoredRefreshToken {
  readonly jti: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export async function insertFamily(
  db: Db,
  family: { id: string; userId: number; now: number; token: StoredRefreshToken },
): Promise<void> {
  await db
    .insertInto('refresh_families')
    .values({
      id: family.id,
      user_id: family.userId,
      created_at: family.now,
      revoked_at: null,
      generation: 1,
      current_jti: family.token.jti,
      current_issued_at: family.token.issuedAt,
      current_expires_at: family.token.expiresAt,
      previous_jti: null,
      previous_retired_at: null,
    })
    .execute();
}

/**
 * Reads a family and, inside a transaction, locks it (a no-op write), so rotation
 * and revocation of one family happen one after the other on every database.
 */
export function lockFamily(db: Db, familyId: string): Promise<RefreshFamilyRow | undefined> {
  return db
    .updateTable('refresh_families')
    .set((eb) => ({ created_at: eb.ref('created_at') }))
    .where('id', '=', familyId)
    .returningAll()
    .executeTakeFirst();
}

/** Retires the family's current token in favour of `successor`; the retired one is kept for the grace period. */
export async function rotateFamily(
  db: Db,
  family: Pick<RefreshFamilyRow, 'id' | 'current_jti'>,
  successor: StoredRefreshToken,
  now: number,
): Promise<void> {
  await db
    .updateTable('refresh_families')
    .set((eb) => ({
      generation: eb('generation', '+', 1),
      previous_jti: family.current_jti,
      previous_retired_at: now,
      current_jti: successor.jti,
      current_issued_at: successor.issuedAt,
      current_expires_at: successor.expiresAt,
    }))
    .where('id', '=', family.id)
    .where('current_jti', '=', family.current_jti)
    .execute();
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
    .where((eb) => eb.or([eb('revoked_at', 'is not', null), eb('current_expires_at', '<=', now)]))
    .execute();
}

/**
 * Deletes up to `limit` revoked families and families whose newest token expired before
 * `expiredBefore`. Both states are final, so deleting them twice or at once is harmless.
 */
export async function deleteFinishedFamilies(
  db: Db,
  expiredBefore: number,
  limit: number,
): Promise<number> {
  const result = await db
    .deleteFrom('refresh_families')
    .where((eb) =>
      eb.and([
        eb(
          'id',
          'in',
          eb
            .selectFrom('refresh_families')
            .select('id')
            .where((inner) =>
              inner.or([
                inner('revoked_at', 'is not', null),
                inner('current_expires_at', '<', expiredBefore),
              ]),
            )
            .limit(limit),
        ),
        eb.or([eb('revoked_at', 'is not', null), eb('current_expires_at', '<', expiredBefore)]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Forgets a user's oldest sessions beyond the newest `keep`: a user holds a bounded number. */
export async function deleteFamiliesBeyond(db: Db, userId: number, keep: number): Promise<void> {
  await db
    .deleteFrom('refresh_families')
    .where('user_id', '=', userId)
    .where((eb) =>
      eb(
        'id',
        'not in',
        eb
          .selectFrom('refresh_families')
          .select('id')
          .where('user_id', '=', userId)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(keep),
      ),
    )
    .execute();
}
