import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSigner } from 'fast-jwt';
import { InvalidTokenError, MAX_TOKEN_LENGTH, TokenService } from '../../src/auth/tokens.js';
import { VerifiedTokenCache } from '../../src/auth/verified-token-cache.js';

const config = {
  jwtSecret: Buffer.from('unit-test-secret-unit-test-secret!!'),
  accessTokenTtl: 60,
  refreshTokenTtl: 3600,
};
const subject = { userId: 7, username: 'seven', role: 'user' as const };

describe('TokenService', () => {
  const tokens = new TokenService(config);

  it('When an access token is issued, then it verifies back to its subject', () => {
    const claims = tokens.verifyAccessToken(tokens.issueAccessToken(subject));
    assert.equal(claims.userId, 7);
    assert.equal(claims.username, 'seven');
    assert.equal(claims.role, 'user');
  });

  it('When a refresh token is signed twice from one spec, then the strings are identical', () => {
    const spec = tokens.newRefreshTokenSpec('family-1');
    assert.equal(tokens.signRefreshToken(subject, spec), tokens.signRefreshToken(subject, spec));
    const claims = tokens.verifyRefreshToken(tokens.signRefreshToken(subject, spec));
    assert.equal(claims.familyId, 'family-1');
    assert.equal(claims.jti, spec.jti);
    assert.equal(spec.expiresAt - spec.issuedAt, 3600);
  });

  it('When the types are swapped, then each verifier refuses the other', () => {
    const refresh = tokens.signRefreshToken(subject, tokens.newRefreshTokenSpec('f'));
    assert.throws(() => tokens.verifyAccessToken(refresh), InvalidTokenError);
    assert.throws(
      () => tokens.verifyRefreshToken(tokens.issueAccessToken(subject)),
      InvalidTokenError,
    );
  });

  it('When another secret verifies, then it refuses', () => {
    const other = new TokenService({
      ...config,
      jwtSecret: Buffer.from('a-different-secret-of-enough-length'),
    });
    assert.throws(
      () => other.verifyAccessToken(tokens.issueAccessToken(subject)),
      InvalidTokenError,
    );
  });

  it('When a refresh token has expired, then only the logout verifier accepts it', () => {
    const now = Math.floor(Date.now() / 1000);
    const spec = { jti: 'j', familyId: 'f', issuedAt: now - 7200, expiresAt: now - 3600 };
    const expired = tokens.signRefreshToken(subject, spec);
    assert.throws(() => tokens.verifyRefreshToken(expired), InvalidTokenError);
    assert.equal(tokens.verifyRefreshToken(expired, { allowExpired: true }).jti, 'j');
  });

  it('When a token is longer than ours can be, then it is refused before any verifying or caching', () => {
    const fresh = new TokenService(config);
    const now = Math.floor(Date.now() / 1000);
    const long = createSigner({ key: config.jwtSecret })({
      sub: '7',
      username: 'x'.repeat(MAX_TOKEN_LENGTH),
      role: 'user',
      type: 'access',
      jti: 'j',
      iat: now,
      exp: now + 60,
    });
    assert.throws(() => fresh.verifyAccessToken(long), /token too long/);
    assert.equal(fresh.verifiedCacheSize, 0);
    const longest = fresh.issueAccessToken({ ...subject, username: '😀'.repeat(150) });
    assert.ok(longest.length < MAX_TOKEN_LENGTH, `${longest.length} characters`);
    assert.equal(fresh.verifyAccessToken(longest).userId, 7);
  });

  it('When tokens fail, then none is kept; when one verifies, then it is', () => {
    const fresh = new TokenService(config);
    const good = fresh.issueAccessToken(subject);
    const [header, payload] = good.split('.');
    for (let i = 0; i < 100; i += 1) {
      const forged = `${header}.${payload}.${Buffer.from(`sig-${i}`).toString('base64url')}`;
      assert.throws(() => fresh.verifyAccessToken(forged), InvalidTokenError);
    }
    assert.equal(fresh.verifiedCacheSize, 0);
    fresh.verifyAccessToken(good);
    fresh.verifyAccessToken(good);
    assert.equal(fresh.verifiedCacheSize, 1);
  });
});

describe('VerifiedTokenCache', () => {
  it('When more tokens verify than it holds, then the least recently used go first', () => {
    const cache = new VerifiedTokenCache<number>(3, 60_000);
    const later = Date.now() + 60_000;
    for (const token of ['a', 'b', 'c']) cache.set(token, token.charCodeAt(0), later);
    cache.get('a');
    cache.set('d', 100, later);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 97);
  });

  it('When a kept token expires, then it is not served and is dropped', () => {
    const cache = new VerifiedTokenCache<string>(10, 60_000);
    cache.set('expired', 'payload', Date.now() - 1);
    assert.equal(cache.get('expired'), undefined);
    assert.equal(cache.size, 0);
  });
});
