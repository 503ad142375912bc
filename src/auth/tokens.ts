import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import { isRole, type Role } from '../shared/limits.js';
import { isSignatureMismatch, SigningKeys, type KeyVerifiers } from './signing-keys.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

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
// Ours are under 1.2 KB even with a 150-character username of 4-byte characters.
export const MAX_TOKEN_LENGTH = 2048;
const VERIFIED_CACHE_ENTRIES = 10_000;
const VERIFIED_CACHE_MAX_AGE_MS = 600_000;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function claimsOf(payload: JwtPayload, expectedType: TokenType): RefreshClaims | AccessClaims {
  const { sub, username, role, type, jti, exp, fam } = payload;
  if (type !== expectedType) throw new InvalidTokenError(`not an ${expectedType} token`);
  if (typeof sub !== 'string' || !/^[1-9]\d{0,15}$/.test(sub))
    throw new InvalidTokenError('bad sub');
  if (typeof username !== 'string' || typeof jti !== 'string' || typeof exp !== 'number') {
    throw new InvalidTokenError('bad claims');
  }
  if (!isRole(role)) throw new InvalidTokenError('bad role');
  const claims = { userId: Number(sub), username, role, jti, expiresAt: exp } as const;
  if (expectedType === 'access') return claims;
  if (typeof fam !== 'string') throw new InvalidTokenError('bad fam');
  return { ...claims, familyId: fam };
}

type TokenConfig = Pick<Config, 'jwtSecret' | 'accessTokenTtl' | 'refreshTokenTtl'> &
  Partial<Pick<Config, 'jwtPreviousSecrets'>>;

export class TokenService {
  private readonly keys: SigningKeys<JwtPayload>;
  private readonly sign: (payload: Record<string, unknown>) => string;
  private readonly verified = new VerifiedTokenCache<JwtPayload>(
    VERIFIED_CACHE_ENTRIES,
    VERIFIED_CACHE_MAX_AGE_MS,
  );

  constructor(private readonly config: TokenConfig) {
    this.keys = new SigningKeys(config.jwtSecret, config.jwtPreviousSecrets ?? [], {
      clockTolerance: CLOCK_LEEWAY_MS,
      requiredClaims: REQUIRED_CLAIMS,
    });
    this.sign = this.keys.sign;
  }

  /** The kid new tokens carry, and every kid still verified (current first); none is secret. */
  get signingKeyIds(): { current: string; verified: string[] } {
    return { current: this.keys.currentKid, verified: this.keys.kids };
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

  get verifiedCacheSize(): number {
    return this.verified.size;
  }

  verifyAccessToken(token: string): AccessClaims {
    return claimsOf(this.decodeOrThrow(this.verify, token), 'access');
  }

  verifyRefreshToken(token: string, options: { allowExpired?: boolean } = {}): RefreshClaims {
    const verify = options.allowExpired ? this.verifyIgnoringExpiry : this.verify;
    return claimsOf(this.decodeOrThrow(verify, token), 'refresh') as RefreshClaims;
  }

  private readonly verifySignature = (token: string): JwtPayload =>
    this.withKeyOf(token, (key) => key.verify(token));

  private readonly verifyIgnoringExpiry = (token: string): JwtPayload =>
    this.withKeyOf(token, (key) => key.verifyIgnoringExpiry(token));

  // The key its kid names; without a kid, the next key only after a signature mismatch.
  private withKeyOf(token: string, verify: (key: KeyVerifiers<JwtPayload>) => JwtPayload) {
    const candidates = this.keys.candidatesFor(token);
    if (candidates.length === 0) throw new InvalidTokenError('unknown kid or malformed header');
    let mismatch: unknown;
    for (const key of candidates) {
      try {
        return verify(key);
      } catch (error) {
        if (!isSignatureMismatch(error)) throw error;
        mismatch = error;
      }
    }
    throw mismatch;
  }

  /** Verified tokens are remembered until they expire; expiry is still honoured. */
  private readonly verify = (token: string): JwtPayload => {
    const cached = this.verified.get(token);
    if (cached !== undefined) return cached;
    const payload = this.verifySignature(token);
    const expiresAtMs = typeof payload.exp === 'number' ? payload.exp * 1000 + CLOCK_LEEWAY_MS : 0;
    this.verified.set(token, payload, expiresAtMs);
    return payload;
  };

  private decodeOrThrow(verify: (token: string) => JwtPayload, token: string): JwtPayload {
    if (token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenError('token too long');
    try {
      return verify(token);
    } catch {
      throw new InvalidTokenError('token rejected');
    }
  }
}
