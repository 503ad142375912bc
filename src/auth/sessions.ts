import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, RefreshFamilyRow } from '../db/schema.js';
import * as refreshRepo from './refresh-token-repository.js';
import type { RefreshClaims, RefreshTokenSpec, TokenService } from './tokens.js';
import type { UserAccount, UserAccounts } from './user-accounts.js';

/** Signed-in devices per user; logging in once more forgets the oldest session. */
export const MAX_SESSIONS_PER_USER = 50;

export type Rotation =
  | { kind: 'issued'; userId: number; spec: RefreshTokenSpec }
  | { kind: 'reuse' }
  | { kind: 'refused' };

export interface SessionDeps {
  readonly db: Kysely<Database>;
  readonly tokens: TokenService;
  readonly accounts: UserAccounts;
  readonly refreshReuseGraceSeconds: number;
}

const currentSpecOf = (family: RefreshFamilyRow): RefreshTokenSpec => ({
  jti: family.current_jti,
  familyId: family.id,
  issuedAt: Math.floor(family.current_issued_at / 1000),
  expiresAt: Math.floor(family.current_expires_at / 1000),
});

const storedTokenOf = (spec: RefreshTokenSpec): refreshRepo.StoredRefreshToken => ({
  jti: spec.jti,
  issuedAt: spec.issuedAt * 1000,
  expiresAt: spec.expiresAt * 1000,
});

/** Sessions are refresh-token families: started by a login, rotated by a refresh, revoked. */
export function createSessions({ db, tokens, accounts, refreshReuseGraceSeconds }: SessionDeps) {
  const graceMs = refreshReuseGraceSeconds * 1000;

  return {
    // The session is stored only if the password checked is still the current one.
    async start(user: UserAccount): Promise<RefreshTokenSpec | null> {
      const spec = tokens.newRefreshTokenSpec(randomUUID());
      return db.transaction().execute(async (trx) => {
        const version = await accounts.lockPasswordVersion(trx, user.id);
        if (version !== Number(user.password_version)) return null;
        await refreshRepo.deleteStaleFamilies(trx, user.id, Date.now());
        await refreshRepo.insertFamily(trx, {
          id: spec.familyId,
          userId: user.id,
          now: Date.now(),
          token: storedTokenOf(spec),
        });
        await refreshRepo.deleteFamiliesBeyond(trx, user.id, MAX_SESSIONS_PER_USER);
        return spec;
      });
    },

    // One family at a time: rotation, replay inside the grace period, or theft.
    async rotate(claims: RefreshClaims): Promise<Rotation> {
      return db.transaction().execute(async (trx): Promise<Rotation> => {
        const now = Date.now();
        const family = await refreshRepo.lockFamily(trx, claims.familyId);
        if (!family || family.revoked_at !== null || family.user_id !== claims.userId)
          return { kind: 'refused' };
        if (claims.jti === family.current_jti) {
          const spec = tokens.newRefreshTokenSpec(claims.familyId);
          await refreshRepo.rotateFamily(trx, family, storedTokenOf(spec), now);
          return { kind: 'issued', userId: family.user_id, spec };
        }

        const retiredAt = claims.jti === family.previous_jti ? family.previous_retired_at : null;
        if (retiredAt !== null && graceMs > 0 && now - retiredAt <= graceMs) {
          return { kind: 'issued', userId: family.user_id, spec: currentSpecOf(family) };
        }
        // Signed by us for this family, yet neither its current token nor the one just retired:
        // an earlier token, however old, presented again.
        await refreshRepo.revokeFamily(trx, claims.familyId, now);
        return { kind: 'reuse' };
      });
    },

    async revoke(familyId: string): Promise<void> {
      await refreshRepo.revokeFamily(db, familyId, Date.now());
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
