import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, RefreshFamilyRow } from '../db/schema.js';
import { AppError, tooManyRequests, unauthorized } from '../errors.js';
import { textKeyOf } from '../shared/text-key.js';
import {
  findUserByEmail,
  findUserById,
  findUserByUsername,
  lockPasswordVersion,
  replaceHashIfUnchanged,
  type UserRecord,
} from '../modules/users/repository.js';
import { ignoredAuthEvents, type AuthEvents } from './events.js';
import type { LoginThrottle } from './login-limiter.js';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './password.js';
import * as refreshRepo from './refresh-token-repository.js';
import type { TokenPair } from './schemas.js';
import {
  InvalidTokenError,
  type RefreshClaims,
  type RefreshTokenSpec,
  type TokenService,
} from './tokens.js';

export interface AuthServiceDeps {
  readonly db: Kysely<Database>;
  readonly tokens: TokenService;
  readonly throttle: LoginThrottle;
  readonly pbkdf2Iterations: number;
  readonly refreshReuseGraceSeconds: number;
  readonly events?: AuthEvents;
}

type Rotation =
  | { kind: 'issued'; userId: number; spec: RefreshTokenSpec }
  | { kind: 'reuse' }
  | { kind: 'refused' };

const invalidCredentials = () =>
  new AppError(401, 'invalid_credentials', 'Invalid username or password');
/** Signed-in devices per user; logging in once more forgets the oldest session. */
export const MAX_SESSIONS_PER_USER = 50;
const accountKeyOf = (userId: number) => `account:${userId}`;

const invalidRefreshToken = () => unauthorized('Invalid, expired or revoked refresh token');

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

export function createAuthService(deps: AuthServiceDeps) {
  const { db, tokens, throttle, pbkdf2Iterations, events = ignoredAuthEvents } = deps;
  const graceMs = deps.refreshReuseGraceSeconds * 1000;
  const unknownUserHash = dummyHash(pbkdf2Iterations);

  async function pairFor(userId: number, spec: RefreshTokenSpec): Promise<TokenPair> {
    const user = await findUserById(db, userId);
    if (!user) throw invalidRefreshToken();
    const subject = { userId: user.id, username: user.username, role: user.role };
    return {
      access_token: tokens.issueAccessToken(subject),
      refresh_token: tokens.signRefreshToken(subject, spec),
      token_type: 'bearer',
      expires_in: tokens.accessTokenTtl,
    };
  }

  // One family at a time: rotation, replay inside the grace period, or theft.
  async function rotate(claims: RefreshClaims): Promise<Rotation> {
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
  }

  function verifyRefresh(refreshToken: string, allowExpired = false): RefreshClaims {
    try {
      return tokens.verifyRefreshToken(refreshToken, { allowExpired });
    } catch (error) {
      if (error instanceof InvalidTokenError) throw invalidRefreshToken();
      throw error;
    }
  }

  /** A password check that counts against the account and the address, reserved before hashing. */
  async function checkPassword(
    accountKey: string,
    address: string,
    password: string,
    storedHash: string,
  ): Promise<boolean> {
    const wait = await throttle.reserve(accountKey, address);
    if (wait !== null) {
      events.blocked('login');
      throw tooManyRequests('Too many failed attempts; try again later', wait);
    }
    const matches = await verifyPassword(password, storedHash);
    if (matches) await throttle.recordSuccess(accountKey, address);
    else {
      await throttle.recordFailure(accountKey, address);
      events.failedLogin();
    }
    return matches;
  }

  // The session is stored only if the password checked is still the current one.
  async function startSession(user: UserRecord): Promise<RefreshTokenSpec | null> {
    const spec = tokens.newRefreshTokenSpec(randomUUID());
    return db.transaction().execute(async (trx) => {
      const version = await lockPasswordVersion(trx, user.id);
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
  }

  async function signIn(
    unknownAccountKey: string,
    findUser: () => Promise<UserRecord | undefined>,
    password: string,
    address: string,
  ): Promise<TokenPair> {
    const user = await findUser();
    // One count per account, whichever name it logs in by.
    const accountKey = user ? accountKeyOf(user.id) : unknownAccountKey;
    const storedHash = user?.password_hash ?? unknownUserHash;
    if (!(await checkPassword(accountKey, address, password, storedHash)) || !user) {
      throw invalidCredentials();
    }
    if (needsRehash(user.password_hash, pbkdf2Iterations)) {
      const rehashed = await hashPassword(password, pbkdf2Iterations);
      await replaceHashIfUnchanged(db, user.id, user.password_hash, rehashed);
    }
    const spec = await startSession(user);
    if (spec === null) throw invalidCredentials();
    return pairFor(user.id, spec);
  }

  return {
    /** POST /auth/: by username, matched ignoring case. */
    login: (username: string, password: string, address: string) =>
      signIn(
        `name:${textKeyOf(username)}`,
        () => findUserByUsername(db, username),
        password,
        address,
      ),

    /** POST /auth/login/ (the movie website): by email, matched ignoring case. */
    loginByEmail: (email: string, password: string, address: string) =>
      signIn(`email:${textKeyOf(email)}`, () => findUserByEmail(db, email), password, address),

    /** A password check of a signed-in user (before a change): counts like a login. */
    checkPasswordOf: (user: UserRecord, password: string, address: string) =>
      checkPassword(accountKeyOf(user.id), address, password, user.password_hash),

    async refresh(refreshToken: string): Promise<TokenPair> {
      const rotation = await rotate(verifyRefresh(refreshToken));
      if (rotation.kind === 'reuse') events.refreshTokenReused();
      if (rotation.kind !== 'issued') throw invalidRefreshToken();
      return pairFor(rotation.userId, rotation.spec);
    },

    /** Expired or already revoked tokens of ours log out quietly; forged ones do not. */
    async logout(refreshToken: string): Promise<void> {
      const claims = verifyRefresh(refreshToken, true);
      await refreshRepo.revokeFamily(db, claims.familyId, Date.now());
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
