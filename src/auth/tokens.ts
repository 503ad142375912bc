import { randomUUID } from 'node:crypto';
import { createSigner, createVerifier } from 'fast-jwt';
import type { Config } from '../config.js';

export type Role = 'user' | 'admin';
export type TokenType = 'access' | 'refresh';

export interface TokenSubject {
  readonly userId: number;
  readonly username: string;
  readonly role: Role;
}

export interface AccessClaims extends TokenSubject {
  readonly jti: string;
  readonly expiresAt: number;
}

export interface RefreshClaims extends AccessClaims {
  readonly familyId: string;
}

export interface RefreshTokenSpec {
  readonly jti: string;
  readonly familyId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

interface JwtPayload {
  sub?: unknown;
  username?: unknown;
  role?: unknown;
  type?: unknown;
  jti?: unknown;
  exp?: unknown;
  fam?: unknown;
}

export class InvalidTokenError extends Error {}

const CLOCK_LEEWAY_MS = 30_000;
const REQUIRED_CLAIMS = ['sub', 'username', 'role', 'type', 'iat', 'exp', 'jti'];

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function claimsOf(payload: JwtPayload, expectedType: TokenType): RefreshClaims | AccessClaims {
  const { sub, username, role, type, jti, exp, fam } = payload;
  if (type !== expectedType) throw new InvalidTokenError(`not an ${expectedType} token`);
  if (typeof sub !== 'string' || !/^[1-9]\d{0,15}$/.test(sub))
    throw new InvalidTokenError('bad sub');
  if (typeof username !== 'string' || typeof jti !== 'string' || typeof exp !== 'number') {
    throw new InvalidTokenError('bad claims');
  }
  if (role !== 'user' && role !== 'admin') throw new InvalidTokenError('bad role');
  const claims = { userId: Number(sub), username, role, jti, expiresAt: exp } as const;
  if (expectedType === 'access') return claims;
  if (typeof fam !== 'string') throw new InvalidTokenError('bad fam');
  return { ...claims, familyId: fam };
}

export class TokenService {
  private readonly sign: (payload: Record<string, unknown>) => string;
  private readonly verify: (token: string) => JwtPayload;
  private readonly verifyIgnoringExpiry: (token: string) => JwtPayload;

  constructor(
    private readonly config: Pick<Config, 'jwtSecret' | 'accessTokenTtl' | 'refreshTokenTtl'>,
  ) {
    const key = config.jwtSecret;
    // iat and exp come from the payload, so a stored refresh token signs again to the same string.
    this.sign = createSigner({ key, algorithm: 'HS256' });
    const verifierOptions = {
      key,
      algorithms: ['HS256' as const],
      clockTolerance: CLOCK_LEEWAY_MS,
      requiredClaims: REQUIRED_CLAIMS,
    };
    // Verified tokens are cached by their exact text (no hashing per request); expiry is still checked.
    this.verify = createVerifier({
      ...verifierOptions,
      cache: 10_000,
      cacheKeyBuilder: (token: string) => token,
    });
    this.verifyIgnoringExpiry = createVerifier({ ...verifierOptions, ignoreExpiration: true });
  }

  get accessTokenTtl(): number {
    return this.config.accessTokenTtl;
  }

  issueAccessToken(subject: TokenSubject): string {
    const iat = nowSeconds();
    return this.sign({
      sub: String(subject.userId),
      username: subject.username,
      role: subject.role,
      type: 'access',
      iat,
      exp: iat + this.config.accessTokenTtl,
      jti: randomUUID(),
    });
  }

  newRefreshTokenSpec(familyId: string): RefreshTokenSpec {
    const issuedAt = nowSeconds();
    return {
      jti: randomUUID(),
      familyId,
      issuedAt,
      expiresAt: issuedAt + this.config.refreshTokenTtl,
    };
  }

  signRefreshToken(subject: TokenSubject, spec: RefreshTokenSpec): string {
    return this.sign({
      sub: String(subject.userId),
      username: subject.username,
      role: subject.role,
      type: 'refresh',
      iat: spec.issuedAt,
      exp: spec.expiresAt,
      jti: spec.jti,
      fam: spec.familyId,
    });
  }

  verifyAccessToken(token: string): AccessClaims {
    return claimsOf(this.decodeOrThrow(this.verify, token), 'access');
  }

  verifyRefreshToken(token: string, options: { allowExpired?: boolean } = {}): RefreshClaims {
    const verify = options.allowExpired ? this.verifyIgnoringExpiry : this.verify;
    return claimsOf(this.decodeOrThrow(verify, token), 'refresh') as RefreshClaims;
  }

  private decodeOrThrow(verify: (token: string) => JwtPayload, token: string): JwtPayload {
    try {
      return verify(token);
    } catch {
      throw new InvalidTokenError('token rejected');
    }
  }
}
