import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../src/app.js';
import { DatabaseLoginThrottle, type LoginThrottle } from '../../src/auth/login-limiter.js';
import { hashPassword, verifyPassword } from '../../src/auth/password.js';
import { TokenService } from '../../src/auth/tokens.js';
import { findUserById, insertUser } from '../../src/modules/users/repository.js';
import {
  apiOf,
  bearer,
  buildTestApp,
  errorBody,
  login,
  openTestDatabase,
  signedIn,
  type TestContext,
} from '../helpers.js';

/** A throttle that holds every successful check until the test lets it go. */
function pausingThrottle(inner: LoginThrottle) {
  let release: () => void = () => {};
  let reached: () => void = () => {};
  const paused = new Promise<void>((resolve) => (reached = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  const throttle: LoginThrottle = {
    reserve: (account, address) => inner.reserve(account, address),
    recordFailure: (account, address) => inner.recordFailure(account, address),
    recordSuccess: async (account, address) => {
      reached();
      await gate;
      await inner.recordSuccess(account, address);
    },
  };
  return { throttle, paused, release: () => release() };
}

describe('A login whose password check began before a password change', () => {
  let ctx: TestContext;
  let pause: ReturnType<typeof pausingThrottle>;

  before(async () => {
    const { config, database, close } = await openTestDatabase();
    const inner = new DatabaseLoginThrottle(database.db, {
      maxFailuresPerAccount: 10,
      maxFailuresPerAddress: 100,
      windowMs: 900_000,
      blockMs: 60_000,
    });
    pause = pausingThrottle(inner);
    const app = await buildApp({ config, db: database.db, throttle: pause.throttle });
    app.addHook('onClose', close);
    await app.ready();
    ctx = { app, db: database.db, config, api: apiOf(app) };
  });
  after(() => ctx.app.close());

  it('When the password changes between the check and the session, then the login is 401 and the rehash keeps the new password', async () => {
    // An older, cheaper hash: a good login would rehash it.
    const oldHash = await hashPassword('old-password-1', ctx.config.pbkdf2Iterations - 1);
    const user = await insertUser(ctx.db, {
      username: 'racer',
      passwordHash: oldHash,
      role: 'user',
    });
    const pending = ctx.api.post('/auth/', { username: 'racer', password: 'old-password-1' });
    await pause.paused;
    const admin = await signedInAfterRelease();
    const changed = await ctx.api
      .as(admin)
      .patch(`/users/${user.id}`, { password: 'new-password-1' });
    assert.equal(changed.statusCode, 204);
    pause.release();
    const answer = await pending;
    assert.equal(answer.statusCode, 401);
    assert.equal(errorBody(answer).code, 'invalid_credentials');
    const stored = await findUserById(ctx.db, user.id);
    assert.ok(stored && (await verifyPassword('new-password-1', stored.password_hash)));
    assert.ok(await login(ctx, 'racer', 'new-password-1'));
  });

  // The admin's own login must not wait behind the paused one.
  async function signedInAfterRelease() {
    const adminHash = await hashPassword('boss-password', ctx.config.pbkdf2Iterations);
    const boss = await insertUser(ctx.db, {
      username: 'boss',
      passwordHash: adminHash,
      role: 'admin',
    });
    const token = new TokenService(ctx.config).issueAccessToken({
      userId: boss.id,
      username: 'boss',
      role: 'admin',
    });
    return { headers: bearer(token) };
  }
});

describe('Password versions', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.app.close());

  it('When a password is changed, then the version moves on; a rename leaves it', async () => {
    const me = await signedIn(ctx, 'versioned');
    const before = Number((await findUserById(ctx.db, me.id))?.password_version);
    const renamed = await ctx.api.as(me).patch(`/users/${me.id}`, { username: 'versioned-2' });
    assert.equal(renamed.statusCode, 204);
    assert.equal(Number((await findUserById(ctx.db, me.id))?.password_version), before);
    const changed = await ctx.api.as(me).put('/user/password/', {
      old_password: 'versioned-password',
      new_password: 'another-password',
    });
    assert.equal(changed.statusCode, 204);
    assert.equal(Number((await findUserById(ctx.db, me.id))?.password_version), before + 1);
  });
});
