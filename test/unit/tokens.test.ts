import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSigner } from 'fast-jwt';
import { kidOf } from '../../src/auth/signing-keys.js';
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

describe('TokenService across a key rotation', () => {
  const keyA = Buffer.from('rotation-unit-key-a-rotation-unit-key-a');
  const keyB = Buffer.from('rotation-unit-key-b-rotation-unit-key-b');
  const underA = new TokenService({ ...config, jwtSecret: keyA });
  const rotated = () =>
    new TokenService({ ...config, jwtSecret: keyB, jwtPreviousSecrets: [keyA] });
  const underBOnly = () => new TokenService({ ...config, jwtSecret: keyB });
  const headerOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
  const withHeader = (token: string, header: Record<string, unknown>) =>
    [Buffer.from(JSON.stringify(header)).toString('base64url'), ...token.split('.').slice(1)].join(
      '.',
    );
  const now = Math.floor(Date.now() / 1000);
  const accessClaims = { sub: '7', username: 'seven', role: 'user', type: 'access', jti: 'j' };
  const signedWithoutKid = (key: Buffer) =>
    createSigner({ key })({ ...accessClaims, iat: now, exp: now + 60 });

  it('When a token is signed, then its header names the key by a kid that does not reveal it', () => {
    const kid = kidOf(keyA);
    assert.match(kid, /^[0-9a-f]{16}$/);
    assert.equal(kidOf(Buffer.from(keyA)), kid);
    assert.notEqual(kidOf(keyB), kid);
    assert.ok(!keyA.toString('hex').includes(kid));
    const header = headerOf(underA.issueAccessToken(subject));
    assert.deepEqual(header, { alg: 'HS256', typ: 'JWT', kid });
    assert.deepEqual(underA.signingKeyIds, { current: kid, verified: [kid] });
  });

  it('When the key is rotated with the old one kept, then old tokens verify and new ones name the new key', () => {
    const tokens = rotated();
    assert.deepEqual(tokens.signingKeyIds, {
      current: kidOf(keyB),
      verified: [kidOf(keyB), kidOf(keyA)],
    });
    assert.equal(tokens.verifyAccessToken(underA.issueAccessToken(subject)).userId, 7);
    const spec = underA.newRefreshTokenSpec('family-a');
    const oldRefresh = underA.signRefreshToken(subject, spec);
    assert.equal(tokens.verifyRefreshToken(oldRefresh).jti, spec.jti);
    assert.equal(headerOf(tokens.issueAccessToken(subject)).kid, kidOf(keyB));
    // A stored spec signs again, now under the new key: another string, the same token.
    const resigned = tokens.signRefreshToken(subject, spec);
    assert.notEqual(resigned, oldRefresh);
    assert.equal(resigned, tokens.signRefreshToken(subject, spec));
    assert.equal(headerOf(resigned).kid, kidOf(keyB));
    assert.deepEqual(tokens.verifyRefreshToken(resigned), tokens.verifyRefreshToken(oldRefresh));
  });

  it('When an expired refresh token of the old key logs out, then it still verifies', () => {
    const spec = { jti: 'old', familyId: 'f', issuedAt: now - 7200, expiresAt: now - 3600 };
    const expired = underA.signRefreshToken(subject, spec);
    assert.equal(rotated().verifyRefreshToken(expired, { allowExpired: true }).jti, 'old');
    assert.throws(() => rotated().verifyRefreshToken(expired), InvalidTokenError);
  });

  it('When the old key is dropped, then its tokens are refused and nothing is cached', () => {
    const tokens = underBOnly();
    assert.throws(
      () => tokens.verifyAccessToken(underA.issueAccessToken(subject)),
      InvalidTokenError,
    );
    const oldRefresh = underA.signRefreshToken(subject, underA.newRefreshTokenSpec('f'));
    assert.throws(() => tokens.verifyRefreshToken(oldRefresh), InvalidTokenError);
    assert.throws(
      () => tokens.verifyRefreshToken(oldRefresh, { allowExpired: true }),
      InvalidTokenError,
    );
    assert.equal(tokens.verifiedCacheSize, 0);
  });

  it('When the kid is unknown, then the token is refused even if a configured key signed it', () => {
    const tokens = rotated();
    const good = tokens.issueAccessToken(subject);
    // Signed by the current key: refusing it shows an unknown kid is not tried against any key.
    const unknownKid = createSigner({ key: keyB, kid: '0123456789abcdef' })({
      ...accessClaims,
      iat: now,
      exp: now + 60,
    });
    assert.throws(() => tokens.verifyAccessToken(unknownKid), InvalidTokenError);
    for (const header of [
      { alg: 'HS256', typ: 'JWT', kid: kidOf(keyA) },
      { alg: 'HS256', typ: 'JWT', kid: 7 },
      { alg: 'HS256', typ: 'JWT', kid: null },
      { alg: 'HS256', typ: 'JWT', kid: '' },
      { alg: 'none', typ: 'JWT', kid: kidOf(keyB) },
    ]) {
      assert.throws(() => tokens.verifyAccessToken(withHeader(good, header)), InvalidTokenError);
    }
    const [, payload, signature] = good.split('.');
    for (const header of [
      '',
      'not-json',
      Buffer.from('[1]').toString('base64url'),
      'x'.repeat(600),
    ]) {
      assert.throws(
        () => tokens.verifyAccessToken(`${header}.${payload}.${signature}`),
        InvalidTokenError,
      );
    }
    const none = withHeader(good, { alg: 'none', typ: 'JWT', kid: kidOf(keyB) });
    assert.throws(
      () => tokens.verifyAccessToken(`${none.split('.').slice(0, 2).join('.')}.`),
      InvalidTokenError,
    );
    assert.equal(tokens.verifiedCacheSize, 0);
  });

  it('When a token has no kid, then it is tried against the configured keys only', () => {
    assert.equal(rotated().verifyAccessToken(signedWithoutKid(keyB)).userId, 7);
    assert.equal(rotated().verifyAccessToken(signedWithoutKid(keyA)).userId, 7);
    assert.throws(() => underBOnly().verifyAccessToken(signedWithoutKid(keyA)), InvalidTokenError);
    const foreign = Buffer.from('a-foreign-key-a-foreign-key-a-foreign');
    assert.throws(() => rotated().verifyAccessToken(signedWithoutKid(foreign)), InvalidTokenError);
  });

  it('When a previous secret equals the current one, then there is one key', () => {
    const tokens = new TokenService({
      ...config,
      jwtSecret: keyB,
      jwtPreviousSecrets: [keyB, keyB],
    });
    assert.deepEqual(tokens.signingKeyIds, { current: kidOf(keyB), verified: [kidOf(keyB)] });
    assert.equal(tokens.verifyAccessToken(tokens.issueAccessToken(subject)).userId, 7);
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
