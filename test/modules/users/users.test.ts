import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  buildTestApp,
  createUser,
  errorBody,
  login,
  signedIn,
  type TestContext,
} from '../../helpers.js';

let ctx: TestContext;
let admin: Record<string, string>;

before(async () => {
  // This file registers more than the default 20 a minute from one address; limits have their own app below.
  ctx = await buildTestApp({ REGISTRATIONS_PER_MINUTE: '1000' });
  admin = (await signedIn(ctx, 'users-admin', 'admin')).headers;
});
after(() => ctx.app.close());

const register = (payload: unknown, headers: Record<string, string> = {}) =>
  ctx.api.with(headers).post('/users/', payload as Record<string, unknown>);

describe('POST /users/ (registration)', () => {
  it('When anyone registers, then 201 with Location and the public user only', async () => {
    const response = await register({ username: 'vasya', password: 'correct horse' });
    assert.equal(response.statusCode, 201);
    const body = response.json<{ id: number }>();
    assert.deepEqual(body, {
      id: body.id,
      username: 'vasya',
      role: 'user',
      email: null,
      name: '',
      surname: '',
      favourite_genre: null,
    });
    assert.equal(response.headers.location, `/users/${body.id}`);
    assert.doesNotMatch(response.body, /pbkdf2|password/);
  });

  it('When anonymous asks for admin, then 403 even if the rest of the body is invalid', async () => {
    assert.equal(
      (await register({ username: 'wannabe', password: 'long enough', role: 'admin' })).statusCode,
      403,
    );
    assert.equal(
      (await register({ username: '', password: 'x', role: 'admin', extra: 1 })).statusCode,
      403,
    );
    const user = await signedIn(ctx, 'plain-registrar');
    assert.equal(
      (
        await register(
          { username: 'wannabe2', password: 'long enough', role: 'admin' },
          user.headers,
        )
      ).statusCode,
      403,
    );
  });

  it('When an admin creates an admin, then 201', async () => {
    const response = await register(
      { username: 'second-admin', password: 'long enough', role: 'admin' },
      admin,
    );
    assert.equal(response.statusCode, 201);
    assert.equal(response.json<{ role: string }>().role, 'admin');
  });

  it('When the role is neither user nor admin, then 400', async () => {
    const response = await register({
      username: 'odd-role',
      password: 'long enough',
      role: 'superuser',
    });
    assert.equal(response.statusCode, 400);
    assert.ok(errorBody(response).errors?.role);
  });

  it('When the username breaks a rule, then 400 naming username', async () => {
    for (const username of [
      '',
      ' lead',
      'trail ',
      'tab\tinside',
      'nul\u0000',
      'nbsp\u00a0',
      'x'.repeat(151),
      'line\nbreak',
    ]) {
      const response = await register({ username, password: 'long enough' });
      assert.equal(response.statusCode, 400, JSON.stringify(username));
      assert.ok(errorBody(response).errors?.username, JSON.stringify(username));
    }
    assert.equal(
      (await register({ username: 'in ner space', password: 'long enough' })).statusCode,
      201,
    );
    assert.equal(
      (await register({ username: '🙂'.repeat(150), password: 'long enough' })).statusCode,
      201,
    );
  });

  it('When the username is taken in another case, Cyrillic included, then 409', async () => {
    assert.equal((await register({ username: 'Пётр', password: 'long enough' })).statusCode, 201);
    const response = await register({ username: 'пЁТР', password: 'long enough' });
    assert.equal(response.statusCode, 409);
    assert.equal(errorBody(response).code, 'conflict');
  });

  it('When the password is 7 or 129 code points, then 400; 8 and 128 (emoji) are fine, untrimmed', async () => {
    assert.equal((await register({ username: 'p7', password: '1234567' })).statusCode, 400);
    assert.equal((await register({ username: 'p129', password: 'x'.repeat(129) })).statusCode, 400);
    assert.equal((await register({ username: 'p8', password: '       8' })).statusCode, 201);
    assert.equal(
      (await register({ username: 'p128', password: '🔑'.repeat(128) })).statusCode,
      201,
    );
    await login(ctx, 'p8', '       8');
    await login(ctx, 'p128', '🔑'.repeat(128));
  });

  it('When fields are missing, of the wrong type or unknown, then 400', async () => {
    for (const payload of [
      { username: 'a' },
      { password: 'long enough' },
      { username: 1, password: 'long enough' },
      { username: 'b', password: 'long enough', email: 'x' },
    ]) {
      assert.equal((await register(payload)).statusCode, 400, JSON.stringify(payload));
    }
  });
});

describe('Reading users', () => {
  it('When an admin lists users, then all of them; a user gets 403', async () => {
    const listed = await ctx.api.with(admin).get('/users/');
    assert.equal(listed.statusCode, 200);
    assert.ok(listed.json<unknown[]>().length >= 2);
    assert.doesNotMatch(listed.body, /pbkdf2|password/);
    const user = await signedIn(ctx, 'curious');
    assert.equal((await ctx.api.as(user).get('/users/')).statusCode, 403);
  });

  it('When a user reads themself, then 200; another user, then 403; a missing user as admin, 404', async () => {
    const me = await signedIn(ctx, 'reader-me');
    const other = await signedIn(ctx, 'reader-other');
    const own = await ctx.api.as(me).get(`/users/${me.id}/`);
    assert.deepEqual(own.json(), {
      id: me.id,
      username: 'reader-me',
      role: 'user',
      email: null,
      name: '',
      surname: '',
      favourite_genre: null,
    });
    const foreign = await ctx.api.as(me).get(`/users/${other.id}`);
    assert.equal(foreign.statusCode, 403);
    const malformedAsUser = await ctx.api.as(me).get('/users/abc');
    assert.equal(malformedAsUser.statusCode, 403, 'not your own user comes before a malformed id');
    assert.equal((await ctx.api.with(admin).get('/users/abc')).statusCode, 400);
    assert.equal((await ctx.api.with(admin).get('/users/99999')).statusCode, 404);
  });
});

describe('Changing users', () => {
  it('When a user PUTs themself without password and role, then they stay', async () => {
    const me = await signedIn(ctx, 'renamer');
    const response = await ctx.api
      .as(me)
      .put(`/users/${me.id}`, { id: me.id, username: 'renamed', role: 'user' });
    assert.equal(response.statusCode, 204);
    await login(ctx, 'renamed', 'renamer-password');
    const missingUsername = await ctx.api
      .as(me)
      .put(`/users/${me.id}`, { password: 'new password' });
    assert.equal(missingUsername.statusCode, 400);
  });

  it('When a rename keeps the refresh tokens, then they still work', async () => {
    const me = await signedIn(ctx, 'keeps-tokens');
    await ctx.api.as(me).patch(`/users/${me.id}`, { username: 'kept-tokens' });
    const refreshed = await ctx.api.put('/auth/', { refresh_token: me.tokens.refresh_token });
    assert.equal(refreshed.statusCode, 201);
  });

  it('When a user raises their own role, then 403 even with other invalid fields, and the role stays', async () => {
    const me = await signedIn(ctx, 'climber');
    for (const method of ['PUT', 'PATCH'] as const) {
      const response = await ctx.api
        .as(me)
        .request(method, `/users/${me.id}`, { username: 'climber', role: 'admin' });
      assert.equal(response.statusCode, 403, method);
      const invalidToo = await ctx.api
        .as(me)
        .request(method, `/users/${me.id}`, { username: '', role: 'admin', junk: 1 });
      assert.equal(invalidToo.statusCode, 403, method);
    }
    const weird = await ctx.api.as(me).patch(`/users/${me.id}`, { role: 'superuser' });
    assert.equal(weird.statusCode, 403);
    const own = await ctx.api.as(me).get(`/users/${me.id}`);
    assert.equal(own.json<{ role: string }>().role, 'user');
    const sameRole = await ctx.api.as(me).patch(`/users/${me.id}`, { role: 'user' });
    assert.equal(sameRole.statusCode, 204);
  });

  it('When a user changes another user, then 403', async () => {
    const me = await signedIn(ctx, 'meddler');
    const other = await signedIn(ctx, 'victim');
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const payload = method === 'DELETE' ? undefined : { username: 'pwned' };
      const response = await ctx.api.as(me).request(method, `/users/${other.id}`, payload);
      assert.equal(response.statusCode, 403, method);
    }
  });

  it('When an admin promotes a user, then the next refresh carries the new role', async () => {
    const me = await signedIn(ctx, 'promoted');
    const response = await ctx.api.with(admin).patch(`/users/${me.id}`, { role: 'admin' });
    assert.equal(response.statusCode, 204);
    const refreshed = await ctx.api.put('/auth/', { refresh_token: me.tokens.refresh_token });
    const token = refreshed.json<{ access_token: string }>().access_token;
    const list = await ctx.api.as(token).get('/users/');
    assert.equal(list.statusCode, 200);
  });

  it('When the password changes, then it is hashed anew, the old one fails and refresh tokens are revoked', async () => {
    const me = await signedIn(ctx, 'rotator');
    const hashBefore = (
      await ctx.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', me.id)
        .executeTakeFirstOrThrow()
    ).password_hash;
    const response = await ctx.api.as(me).patch(`/users/${me.id}`, { password: 'a brand new one' });
    assert.equal(response.statusCode, 204);
    const hashAfter = (
      await ctx.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', me.id)
        .executeTakeFirstOrThrow()
    ).password_hash;
    assert.notEqual(hashAfter, hashBefore);
    assert.match(hashAfter, /^pbkdf2_sha256\$\d+\$/);
    const refresh = await ctx.api.put('/auth/', { refresh_token: me.tokens.refresh_token });
    assert.equal(refresh.statusCode, 401);
    const oldLogin = await ctx.api.post('/auth/', {
      username: 'rotator',
      password: 'rotator-password',
    });
    assert.equal(oldLogin.statusCode, 401);
    await login(ctx, 'rotator', 'a brand new one');
  });

  it('When the new username is taken, then 409', async () => {
    const me = await signedIn(ctx, 'dup-one');
    await createUser(ctx, 'dup-two', 'long enough');
    const response = await ctx.api.as(me).patch(`/users/${me.id}`, { username: 'DUP-TWO' });
    assert.equal(response.statusCode, 409);
  });
});

describe('Deleting users', () => {
  it('When a user deletes themself, then their access token finds no user and their refresh token is dead', async () => {
    const me = await signedIn(ctx, 'leaver');
    const response = await ctx.api.as(me).delete(`/users/${me.id}`);
    assert.equal(response.statusCode, 204);
    const own = await ctx.api.as(me).get(`/users/${me.id}`);
    assert.equal(own.statusCode, 404);
    const refresh = await ctx.api.put('/auth/', { refresh_token: me.tokens.refresh_token });
    assert.equal(refresh.statusCode, 401);
    assert.equal((await ctx.api.with(admin).delete(`/users/${me.id}`)).statusCode, 404);
  });
});

describe('Registration limits', () => {
  let limited: TestContext;
  before(async () => {
    limited = await buildTestApp({ REGISTRATIONS_PER_MINUTE: '3' });
  });
  after(() => limited.app.close());

  it('When one address registers too often, then 429 with Retry-After; failed attempts count too', async () => {
    const attempt = (username: string, password = 'long enough') =>
      limited.api.post('/users/', { username, password });
    assert.equal((await attempt('r1')).statusCode, 201);
    assert.equal((await attempt('r2', 'short')).statusCode, 400);
    assert.equal((await attempt('r1')).statusCode, 409);
    const blocked = await attempt('r4');
    assert.equal(blocked.statusCode, 429);
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    assert.equal(errorBody(blocked).code, 'too_many_requests');
    const otherAddress = await limited.api.post(
      '/users/',
      { username: 'r5', password: 'long enough' },
      { remoteAddress: '10.9.9.9' },
    );
    assert.equal(otherAddress.statusCode, 201);
  });

  it('When an admin creates users, then no limit applies', async () => {
    const boss = await signedIn(limited, 'limit-boss', 'admin');
    for (let i = 0; i < 5; i += 1) {
      const response = await limited.api
        .as(boss)
        .post('/users/', { username: `made-${i}`, password: 'long enough' });
      assert.equal(response.statusCode, 201);
    }
  });
});
