import assert from 'node:assert/strict';
import { createSigner } from 'fast-jwt';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '../../src/auth/password.js';
import { insertUser } from '../../src/modules/users/repository.js';
import {
  buildTestApp,
  createUser,
  decodeJwtPayload,
  expiredToken,
  errorBody,
  login,
  signedIn,
  TEST_ITERATIONS,
  TEST_SECRET,
  type TestContext,
  type Tokens,
} from '../helpers.js';

let ctx: TestContext;

before(async () => {
  ctx = await buildTestApp();
});
after(() => ctx.app.close());

const postAuth = (app: TestContext, payload: Record<string, unknown>, remoteAddress?: string) =>
  app.api.post('/auth/', payload, { ...(remoteAddress && { remoteAddress }) });
const refresh = (app: TestContext, refreshToken: string) =>
  app.api.put('/auth/', { refresh_token: refreshToken });
const logout = (refreshToken: string) => ctx.api.delete('/auth/', { refresh_token: refreshToken });
const readMovies = (token: string) => ctx.api.as(token).get('/movies/1');

describe('POST /auth/ (login)', () => {
  it('When the password is right, then 201 with both tokens, no-store, and the contract claims', async () => {
    const id = await createUser(ctx, 'Claims', 'claims-password');
    const response = await postAuth(ctx, { username: 'cLaImS', password: 'claims-password' });
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers['cache-control'], 'no-store');
    const body = response.json<Tokens & { token_type: string; expires_in: number }>();
    assert.deepEqual(Object.keys(body).sort(), [
      'access_token',
      'expires_in',
      'refresh_token',
      'token_type',
    ]);
    assert.equal(body.token_type, 'bearer');
    assert.equal(body.expires_in, 900);

    const access = decodeJwtPayload(body.access_token);
    assert.deepEqual(Object.keys(access).sort(), [
      'exp',
      'iat',
      'jti',
      'role',
      'sub',
      'type',
      'username',
    ]);
    assert.equal(access.sub, String(id));
    assert.equal(access.username, 'Claims');
    assert.equal(access.role, 'user');
    assert.equal(access.type, 'access');
    assert.equal(Number(access.exp) - Number(access.iat), 900);
    const header = JSON.parse(
      Buffer.from(body.access_token.split('.')[0] ?? '', 'base64url').toString(),
    ) as { alg: string };
    assert.equal(header.alg, 'HS256');

    const refreshClaims = decodeJwtPayload(body.refresh_token);
    assert.equal(refreshClaims.type, 'refresh');
    assert.equal(typeof refreshClaims.fam, 'string');
    assert.equal(Number(refreshClaims.exp) - Number(refreshClaims.iat), 30 * 24 * 3600);
    assert.doesNotMatch(JSON.stringify([access, refreshClaims]), /pbkdf2|password/);
    assert.equal((await readMovies(body.access_token)).statusCode, 200);
  });

  it('When the password is wrong or the user unknown, then the same 401 invalid_credentials', async () => {
    await createUser(ctx, 'known', 'known-password');
    const wrong = await postAuth(ctx, { username: 'known', password: 'nope-nope' });
    const unknown = await postAuth(ctx, { username: 'nobody-here', password: 'nope-nope' });
    for (const response of [wrong, unknown]) {
      assert.equal(response.statusCode, 401);
      assert.equal(response.headers['www-authenticate'], undefined);
    }
    const { request_id: _a, ...wrongBody } = wrong.json<Record<string, unknown>>();
    const { request_id: _b, ...unknownBody } = unknown.json<Record<string, unknown>>();
    assert.deepEqual(wrongBody, unknownBody);
    assert.equal(wrongBody.code, 'invalid_credentials');
  });

  it('When a field is missing or extra, then 400', async () => {
    for (const payload of [
      { username: 'known' },
      { password: 'x' },
      {},
      { username: 'known', password: 'x', remember: true },
      { username: 1, password: 'x' },
    ]) {
      const response = await postAuth(ctx, payload);
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.equal(errorBody(response).code, 'validation_error');
    }
  });

  it('When the stored hash has fewer iterations than configured, then login rehashes it', async () => {
    const oldHash = await hashPassword('old-hash-password', 10);
    await insertUser(ctx.db, { username: 'old-hash', passwordHash: oldHash, role: 'user' });
    await login(ctx, 'old-hash', 'old-hash-password');
    const stored = await ctx.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'old-hash')
      .executeTakeFirstOrThrow();
    assert.match(stored.password_hash, new RegExp(`^pbkdf2_sha256\\$${TEST_ITERATIONS}\\$`));
    await login(ctx, 'old-hash', 'old-hash-password');
  });

  it('When an imported user has a short password, then login still works', async () => {
    await insertUser(ctx.db, {
      username: 'short-pw',
      passwordHash: await hashPassword('abc123', TEST_ITERATIONS),
      role: 'user',
    });
    await login(ctx, 'short-pw', 'abc123');
  });
});

describe('Forged and misused access tokens', () => {
  let good: Tokens;
  before(async () => {
    good = (await signedIn(ctx, 'forgery-target')).tokens;
  });

  const claims = () => decodeJwtPayload(good.access_token);
  const now = () => Math.floor(Date.now() / 1000);

  async function assertRefused(token: string, label: string) {
    const response = await readMovies(token);
    assert.equal(response.statusCode, 401, label);
    assert.equal(response.headers['www-authenticate'], 'Bearer error="invalid_token"', label);
    assert.equal(errorBody(response).code, 'unauthorized', label);
  }

  it('When alg is none, then 401', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ ...claims(), role: 'admin' })).toString(
      'base64url',
    );
    await assertRefused(`${header}.${payload}.`, 'none');
  });

  it('When signed with HS512 and the right secret, then 401', async () => {
    await assertRefused(createSigner({ key: TEST_SECRET, algorithm: 'HS512' })(claims()), 'HS512');
  });

  it('When the payload is tampered with, then 401', async () => {
    const [header, , signature] = good.access_token.split('.');
    const payload = Buffer.from(JSON.stringify({ ...claims(), role: 'admin' })).toString(
      'base64url',
    );
    await assertRefused(`${header}.${payload}.${signature}`, 'tampered');
  });

  it('When signed with another secret, then 401', async () => {
    await assertRefused(
      createSigner({ key: 'another-secret-that-is-32-bytes-long!' })(claims()),
      'secret',
    );
  });

  it('When expired beyond the 30 s leeway, then 401; within it, accepted', async () => {
    const sign = createSigner({ key: TEST_SECRET });
    await assertRefused(sign({ ...claims(), iat: now() - 1000, exp: now() - 60 }), 'expired');
    assert.equal(
      (await readMovies(sign({ ...claims(), iat: now() - 1000, exp: now() - 5 }))).statusCode,
      200,
    );
  });

  it('When exp is missing, then 401', async () => {
    const { exp: _exp, ...withoutExp } = claims();
    await assertRefused(createSigner({ key: TEST_SECRET })(withoutExp), 'no exp');
  });

  it('When a refresh token is used as an access token, then 401', async () => {
    await assertRefused(good.refresh_token, 'refresh as access');
  });

  it('When the token is garbage or empty, then 401 invalid_token', async () => {
    await assertRefused('garbage', 'garbage');
    const empty = await ctx.api.with({ authorization: 'Bearer ' }).get('/movies/');
    assert.equal(empty.statusCode, 401);
    assert.equal(empty.headers['www-authenticate'], 'Bearer error="invalid_token"');
  });
});

describe('PUT /auth/ (refresh rotation)', () => {
  it('When a refresh token is used, then a new pair comes back and the old access token still works', async () => {
    const { tokens } = await signedIn(ctx, 'rotating');
    const response = await refresh(ctx, tokens.refresh_token);
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers['cache-control'], 'no-store');
    const next = response.json<Tokens>();
    assert.notEqual(next.refresh_token, tokens.refresh_token);
    assert.equal(
      decodeJwtPayload(next.refresh_token).fam,
      decodeJwtPayload(tokens.refresh_token).fam,
    );
    assert.equal((await readMovies(next.access_token)).statusCode, 200);
    assert.equal((await readMovies(tokens.access_token)).statusCode, 200);
  });

  it('When the same token is sent twice within the grace period, then both get the same successor', async () => {
    const { tokens } = await signedIn(ctx, 'double-submit');
    const [first, second] = await Promise.all([
      refresh(ctx, tokens.refresh_token),
      refresh(ctx, tokens.refresh_token),
    ]);
    assert.equal(first?.statusCode, 201);
    assert.equal(second?.statusCode, 201);
    assert.equal(first?.json<Tokens>().refresh_token, second?.json<Tokens>().refresh_token);
    const third = await refresh(ctx, tokens.refresh_token);
    assert.equal(third.json<Tokens>().refresh_token, first?.json<Tokens>().refresh_token);
  });

  it('When a retired token comes back after its successor was used, then 401 and the whole family is revoked', async () => {
    const { tokens } = await signedIn(ctx, 'theft-1');
    const second = (await refresh(ctx, tokens.refresh_token)).json<Tokens>();
    const third = (await refresh(ctx, second.refresh_token)).json<Tokens>();
    const replay = await refresh(ctx, tokens.refresh_token);
    assert.equal(replay.statusCode, 401);
    assert.equal(errorBody(replay).code, 'unauthorized');
    assert.equal(
      (await refresh(ctx, third.refresh_token)).statusCode,
      401,
      'the newest token dies with its family',
    );
  });

  it('When a retired token comes back after the grace period, then 401 and the family is revoked', async () => {
    const { tokens } = await signedIn(ctx, 'theft-2');
    const second = (await refresh(ctx, tokens.refresh_token)).json<Tokens>();
    const familyId = String(decodeJwtPayload(tokens.refresh_token).fam);
    await ctx.db
      .updateTable('refresh_families')
      .set({ previous_retired_at: Date.now() - 11_000 })
      .where('id', '=', familyId)
      .execute();
    assert.equal((await refresh(ctx, tokens.refresh_token)).statusCode, 401);
    assert.equal((await refresh(ctx, second.refresh_token)).statusCode, 401);
  });

  it('When REFRESH_REUSE_GRACE=0, then exactly one of two parallel refreshes wins and the family is revoked', async () => {
    const strict = await buildTestApp({ REFRESH_REUSE_GRACE: '0' });
    try {
      const { tokens } = await signedIn(strict, 'no-grace');
      const results = await Promise.all([
        refresh(strict, tokens.refresh_token),
        refresh(strict, tokens.refresh_token),
      ]);
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 401]);
      const winner = results.find((r) => r.statusCode === 201)?.json<Tokens>();
      assert.equal((await refresh(strict, winner?.refresh_token ?? '')).statusCode, 401);
    } finally {
      await strict.app.close();
    }
  });

  it('When an access token, an expired, forged or garbage token is sent, then 401; no field, 400', async () => {
    const { tokens } = await signedIn(ctx, 'refresh-misuse');
    assert.equal((await refresh(ctx, tokens.access_token)).statusCode, 401);
    assert.equal((await refresh(ctx, 'garbage')).statusCode, 401);
    const claims = decodeJwtPayload(tokens.refresh_token);
    const expired = expiredToken(claims);
    assert.equal((await refresh(ctx, expired)).statusCode, 401);
    const forged = createSigner({ key: TEST_SECRET })({ ...claims, jti: 'made-up' });
    assert.equal((await refresh(ctx, forged)).statusCode, 401);
    const missing = await ctx.api.put('/auth/', {});
    assert.equal(missing.statusCode, 400);
  });
});

describe('DELETE /auth/ (logout)', () => {
  it('When a user logs out, then 204, the family is revoked, and logging out again is still 204', async () => {
    const { tokens } = await signedIn(ctx, 'leaving');
    const rotated = (await refresh(ctx, tokens.refresh_token)).json<Tokens>();
    const response = await logout(rotated.refresh_token);
    assert.equal(response.statusCode, 204);
    assert.equal(response.body, '');
    assert.equal((await refresh(ctx, rotated.refresh_token)).statusCode, 401);
    assert.equal((await logout(rotated.refresh_token)).statusCode, 204);
    assert.equal((await logout(tokens.refresh_token)).statusCode, 204);
    assert.equal(
      (await readMovies(rotated.access_token)).statusCode,
      200,
      'access tokens live until they expire',
    );
  });

  it('When the user logs in again, then revoked and expired families are forgotten, and their tokens stay refused', async () => {
    const { id, tokens } = await signedIn(ctx, 'tidy');
    assert.equal((await logout(tokens.refresh_token)).statusCode, 204);
    const families = () =>
      ctx.db.selectFrom('refresh_families').select('id').where('user_id', '=', id).execute();
    assert.equal((await families()).length, 1);
    const fresh = await login(ctx, 'tidy', 'tidy-password');
    assert.equal((await families()).length, 1, 'only the new family is left');
    assert.equal((await refresh(ctx, tokens.refresh_token)).statusCode, 401);
    assert.equal(
      (await logout(tokens.refresh_token)).statusCode,
      204,
      'logging out a forgotten family is still fine',
    );
    assert.equal((await refresh(ctx, fresh.refresh_token)).statusCode, 201);
  });

  it('When the token is expired but ours, then 204; not ours, then 401', async () => {
    const { tokens } = await signedIn(ctx, 'expired-leaver');
    const claims = decodeJwtPayload(tokens.refresh_token);
    const expired = expiredToken(claims);
    assert.equal((await logout(expired)).statusCode, 204);
    assert.equal(
      (await refresh(ctx, tokens.refresh_token)).statusCode,
      401,
      'its family is revoked',
    );
    assert.equal((await logout('garbage')).statusCode, 401);
    const foreign = createSigner({ key: 'someone-else-secret-32-bytes-long!!' })(claims);
    assert.equal((await logout(foreign)).statusCode, 401);
    assert.equal((await logout(tokens.access_token)).statusCode, 401);
  });
});

describe('Failed-login limits', () => {
  it('When one username fails 10 times, then every login for it is 429 with Retry-After, even with the right password', async () => {
    await createUser(ctx, 'target', 'target-password');
    for (let i = 0; i < 10; i += 1) {
      assert.equal(
        (await postAuth(ctx, { username: 'target', password: `wrong-${i}` }, `10.0.0.${i}`))
          .statusCode,
        401,
      );
    }
    const blocked = await postAuth(
      ctx,
      { username: 'TARGET', password: 'target-password' },
      '10.0.1.1',
    );
    assert.equal(blocked.statusCode, 429);
    assert.equal(errorBody(blocked).code, 'too_many_requests');
    const retryAfter = Number(blocked.headers['retry-after']);
    assert.ok(retryAfter > 0 && retryAfter <= 60, String(retryAfter));
    await login(ctx, 'known', 'known-password');
  });

  it('When a login succeeds, then the username count starts again', async () => {
    await createUser(ctx, 'forgetful', 'forgetful-password');
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < 9; i += 1) {
        assert.equal(
          (await postAuth(ctx, { username: 'forgetful', password: 'wrong' }, '10.1.0.1'))
            .statusCode,
          401,
        );
      }
      await login(ctx, 'forgetful', 'forgetful-password');
    }
  });

  it('When one address fails too often across usernames, then that address gets 429 and others do not', async () => {
    const limited = await buildTestApp({ LOGIN_MAX_FAILURES_PER_ADDRESS: '5' });
    try {
      await createUser(limited, 'innocent', 'innocent-password');
      for (let i = 0; i < 5; i += 1) {
        assert.equal(
          (await postAuth(limited, { username: `spray-${i}`, password: 'x' }, '192.0.2.7'))
            .statusCode,
          401,
        );
      }
      const blocked = await postAuth(
        limited,
        { username: 'innocent', password: 'innocent-password' },
        '192.0.2.7',
      );
      assert.equal(blocked.statusCode, 429);
      assert.ok(blocked.headers['retry-after']);
      const elsewhere = await postAuth(
        limited,
        { username: 'innocent', password: 'innocent-password' },
        '192.0.2.8',
      );
      assert.equal(elsewhere.statusCode, 201);
    } finally {
      await limited.app.close();
    }
  });

  it('When TRUST_PROXY is off, then X-Forwarded-For does not change the address', async () => {
    const limited = await buildTestApp({ LOGIN_MAX_FAILURES_PER_ADDRESS: '2' });
    try {
      for (let i = 0; i < 2; i += 1) {
        const response = await limited.api
          .with({ 'x-forwarded-for': `198.51.100.${i}` })
          .post('/auth/', { username: `u${i}`, password: 'x' }, { remoteAddress: '192.0.2.9' });
        assert.equal(response.statusCode, 401);
      }
      const third = await limited.api
        .with({ 'x-forwarded-for': '198.51.100.99' })
        .post('/auth/', { username: 'u3', password: 'x' }, { remoteAddress: '192.0.2.9' });
      assert.equal(third.statusCode, 429);
    } finally {
      await limited.app.close();
    }
  });

  it('When TRUST_PROXY is on, then X-Forwarded-For is the address', async () => {
    const limited = await buildTestApp({
      LOGIN_MAX_FAILURES_PER_ADDRESS: '2',
      TRUST_PROXY: 'true',
    });
    try {
      for (let i = 0; i < 3; i += 1) {
        const response = await limited.api
          .with({ 'x-forwarded-for': `198.51.100.${i}` })
          .post('/auth/', { username: `v${i}`, password: 'x' }, { remoteAddress: '127.0.0.1' });
        assert.equal(response.statusCode, 401, `client ${i} has its own count`);
      }
    } finally {
      await limited.app.close();
    }
  });
});
