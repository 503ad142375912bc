import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from '../../src/auth/password.js';

describe('password hashing', () => {
  it('When hashed with the default count, then the stored form is pbkdf2_sha256$600000$<16-byte salt>$<32-byte digest>', async () => {
    const stored = await hashPassword('correct horse battery', 600_000);
    const [scheme, iterations, salt, digest, ...rest] = stored.split('$');
    assert.equal(scheme, 'pbkdf2_sha256');
    assert.equal(iterations, '600000');
    assert.equal(Buffer.from(salt ?? '', 'base64').length, 16);
    assert.equal(Buffer.from(digest ?? '', 'base64').length, 32);
    assert.deepEqual(rest, []);
    assert.equal(await verifyPassword('correct horse battery', stored), true);
  });

  it('When the same password is hashed twice, then salts differ', async () => {
    const [a, b] = await Promise.all([hashPassword('same', 1000), hashPassword('same', 1000)]);
    assert.notEqual(a, b);
  });

  it('When the digest matches a known PBKDF2-HMAC-SHA256 vector, then verify agrees', async () => {
    // RFC 7914 §11 test vector: P="passwd", S="salt", c=1, dkLen=64 (first 32 bytes here).
    const digest = Buffer.from(
      '55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc',
      'hex',
    );
    const stored = `pbkdf2_sha256$1$${Buffer.from('salt').toString('base64')}$${digest.toString('base64')}`;
    assert.equal(await verifyPassword('passwd', stored), true);
    assert.equal(await verifyPassword('passwd ', stored), false);
  });

  it('When the password is wrong, or the stored form is malformed, then verify is false', async () => {
    const stored = await hashPassword('пароль-ünïcode-🔑', 1000);
    assert.equal(await verifyPassword('пароль-ünïcode-🔑', stored), true);
    assert.equal(await verifyPassword('пароль-unicode-🔑', stored), false);
    for (const bad of [
      '',
      'plain',
      'md5$1$a$b',
      'pbkdf2_sha256$x$a$b',
      'pbkdf2_sha256$0$c2FsdA==$AAAA',
      stored.slice(0, -4),
    ]) {
      assert.equal(await verifyPassword('anything', bad), false, bad);
    }
  });

  it('When the stored count is lower than configured, then a rehash is needed', async () => {
    const stored = await hashPassword('pw', 1000);
    assert.equal(needsRehash(stored, 1000), false);
    assert.equal(needsRehash(stored, 2000), true);
    assert.equal(needsRehash('legacy-or-garbage', 1000), true);
  });

  it('When a dummy hash is checked, then it is well-formed, carries the count and matches nothing', async () => {
    const dummy = dummyHash(1234);
    assert.match(dummy, /^pbkdf2_sha256\$1234\$/);
    assert.equal(needsRehash(dummy, 1234), false);
    assert.equal(await verifyPassword('', dummy), false);
  });
});
