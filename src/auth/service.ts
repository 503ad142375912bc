import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { AppError, tooManyRequests, unauthorized } from '../errors.js';
import { textKeyOf } from '../shared/text-key.js';
import { ignoredAuthEvents, type AuthEvents } from '../shared/auth-events.js';
import type { LoginThrottle } from './login-limiter.js';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './password.js';
import type { TokenPair } from './schemas.js';
import { createSessions } from './sessions.js';
import {
  InvalidTokenError,
  type RefreshClaims,
  type RefreshTokenSpec,
  type TokenService,
} from './tokens.js';
import type { UserAccount, UserAccounts } from './user-accounts.js';

export interface AuthServiceDeps {
  readonly db: Kysely<Database>;
  readonly accounts: UserAccounts;
  readonly tokens: TokenService;
  readonly throttle: LoginThrottle;
  readonly pbkdf2Iterations: number;
  readonly refreshReuseGraceSeconds: number;
  readonly events?: AuthEvents;
}

const invalidCredentials = () =>
  new AppError(401, 'invalid_credentials', 'Invalid username or password');
const accountKeyOf = (userId: number) => `account:${userId}`;

const invalidRefreshToken = () => unauthorized('Invalid, expired or revoked refresh token');

export function createAuthService(deps: AuthServiceDeps) {
  const { accounts, tokens, throttle, pbkdf2Iterations, events = ignoredAuthEvents } = deps;
  const sessions = createSessions(deps);
  const unknownUserHash = dummyHash(pbkdf2Iterations);

  async function pairFor(userId: number, spec: RefreshTokenSpec): Promise<TokenPair> {
    const user = await accounts.findById(userId);
    if (!user) throw invalidRefreshToken();
    const subject = { userId: user.id, username: user.username, role: user.role };
    return {
      access_token: tokens.issueAccessToken(subject),
      refresh_token: tokens.signRefreshToken(subject, spec),
      token_type: 'bearer',
      expires_in: tokens.accessTokenTtl,
    };
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

  async function signIn(
    unknownAccountKey: string,
    findUser: () => Promise<UserAccount | undefined>,
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
      await accounts.replaceHashIfUnchanged(user.id, user.password_hash, rehashed);
    }
    const spec = await sessions.start(user);
    if (spec === null) throw invalidCredentials();
    return pairFor(user.id, spec);
  }

  return {
    /** POST /auth/: by username, matched ignoring case. */
    login: (username: string, password: string, address: string) =>
      signIn(
        `name:${textKeyOf(username)}`,
        () => accounts.findByUsername(username),
        password,
        address,
      ),

    /** POST /auth/login/ (the movie website): by email, matched ignoring case. */
    loginByEmail: (email: string, password: string, address: string) =>
      signIn(`email:${textKeyOf(email)}`, () => accounts.findByEmail(email), password, address),

    /** A password check of a signed-in user (before a change): counts like a login. */
    checkPasswordOf: (user: UserAccount, password: string, address: string) =>
      checkPassword(accountKeyOf(user.id), address, password, user.password_hash),

    async refresh(refreshToken: string): Promise<TokenPair> {
      const rotation = await sessions.rotate(verifyRefresh(refreshToken));
      if (rotation.kind === 'reuse') events.refreshTokenReused();
      if (rotation.kind !== 'issued') throw invalidRefreshToken();
      return pairFor(rotation.userId, rotation.spec);
    },

    /** Expired or already revoked tokens of ours log out quietly; forged ones do not. */
    async logout(refreshToken: string): Promise<void> {
      const claims = verifyRefresh(refreshToken, true);
      await sessions.revoke(claims.familyId);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
