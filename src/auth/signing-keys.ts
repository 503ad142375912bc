import { createHmac } from 'node:crypto';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';

const KID_LABEL = 'movies-api signing key id v1';
const KID_HEADER_MAX_CHARS = 512;

/**
 * Names a key without revealing it: an HMAC of a fixed label under the key, cut to 64 bits. A
 * token's signature already lets anyone test guesses at the key, so the kid adds nothing to that.
 */
export function kidOf(key: Buffer): string {
  return createHmac('sha256', key).update(KID_LABEL).digest('hex').slice(0, 16);
}

export interface KeyVerifiers<P> {
  readonly kid: string;
  readonly verify: (token: string) => P;
  readonly verifyIgnoringExpiry: (token: string) => P;
}

export interface VerifierOptions {
  readonly clockTolerance: number;
  readonly requiredClaims: string[];
}

type KidOfToken = { kind: 'kid'; kid: string } | { kind: 'none' } | { kind: 'malformed' };

function kidOfToken(token: string): KidOfToken {
  const end = token.indexOf('.');
  if (end <= 0 || end > KID_HEADER_MAX_CHARS) return { kind: 'malformed' };
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(token.slice(0, end), 'base64url').toString('utf8'));
  } catch {
    return { kind: 'malformed' };
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return { kind: 'malformed' };
  }
  if (!('kid' in header)) return { kind: 'none' };
  return typeof header.kid === 'string' ? { kind: 'kid', kid: header.kid } : { kind: 'malformed' };
}

/** The current key, which signs, and the previous ones, which only verify; all HS256. */
export class SigningKeys<P> {
  readonly currentKid: string;
  readonly sign: (payload: Record<string, unknown>) => string;
  // Current first: tokens without a kid are tried in this order.
  private readonly byKid = new Map<string, KeyVerifiers<P>>();

  constructor(current: Buffer, previous: readonly Buffer[], options: VerifierOptions) {
    this.currentKid = kidOf(current);
    // iat and exp come from the payload, so a stored refresh token signs again to the same string.
    this.sign = createSigner({ key: current, algorithm: 'HS256', kid: this.currentKid });
    for (const key of [current, ...previous]) {
      const kid = kidOf(key);
      if (this.byKid.has(kid)) continue;
      const verifierOptions = { ...options, key, algorithms: ['HS256' as const] };
      // No fast-jwt cache: it would key by the token's text and keep failures for the clock leeway.
      this.byKid.set(kid, {
        kid,
        verify: createVerifier(verifierOptions),
        verifyIgnoringExpiry: createVerifier({ ...verifierOptions, ignoreExpiration: true }),
      });
    }
  }

  get kids(): string[] {
    return [...this.byKid.keys()];
  }

  /**
   * The keys a token may be checked with: the one its kid names, none for an unknown kid, and for
   * a token without a kid (signed before kids) each configured key, current first.
   */
  candidatesFor(token: string): KeyVerifiers<P>[] {
    const found = kidOfToken(token);
    if (found.kind === 'malformed') return [];
    if (found.kind === 'none') return [...this.byKid.values()];
    const named = this.byKid.get(found.kid);
    return named === undefined ? [] : [named];
  }
}

/** Only a wrong signature sends a token without a kid on to the next key. */
export const isSignatureMismatch = (error: unknown): boolean =>
  error instanceof TokenError && error.code === TokenError.codes.invalidSignature;
