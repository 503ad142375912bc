import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidTokenError, TokenService } from '../../src/auth/tokens.js';

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
});
