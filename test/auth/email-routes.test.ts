import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, errorBody, type TestContext, type Tokens } from '../helpers.js';
import { registerAndLogin, siteSettings } from '../site-client.js';

let ctx: TestContext;

before(async () => {
  ctx = await buildTestApp(siteSettings);
});
after(() => ctx.app.close());

describe('Registration and login by email', () => {
  it('When an email is longer than a username may be, then 400 naming the email, not the username', async () => {
    const email = `${'a'.repeat(64)}@${'b'.repeat(90)}.io`;
    const response = await ctx.api.post('/auth/register/', {
      email,
      password: 'long-email-password',
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(Object.keys(errorBody(response).errors ?? {}), ['email']);
  });

  it('When someone registers with an email, then it is also the username, and a second account in another case is 409', async () => {
    const response = await ctx.api.post('/auth/register/', {
      email: 'Anna@Example.com',
      password: 'anna-password',
    });
    assert.equal(response.statusCode, 201);
    const user = response.json<Record<string, unknown>>();
    assert.deepEqual(user, {
      id: user.id,
      username: 'Anna@Example.com',
      role: 'user',
      email: 'Anna@Example.com',
      name: '',
      surname: '',
      favourite_genre: null,
    });
    const again = await ctx.api.post('/auth/register/', {
      email: 'anna@example.COM',
      password: 'anna-password',
    });
    assert.equal(again.statusCode, 409);
    for (const payload of [
      { email: 'not-an-email', password: 'long enough' },
      { email: 'b@example.com', password: 'short' },
      { email: 'c@example.com', password: 'long enough', role: 'admin' },
    ]) {
      const bad = await ctx.api.post('/auth/register/', payload);
      assert.equal(bad.statusCode, 400, JSON.stringify(payload));
    }
  });

  it('When logging in by email in any case, then tokens as from POST /auth/; a wrong password is 401', async () => {
    const { tokens } = await registerAndLogin(ctx, 'login@example.com');
    const claims = JSON.parse(
      Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString(),
    ) as { username: string };
    assert.equal(claims.username, 'login@example.com');
    const upper = await ctx.api.post('/auth/login/', {
      email: 'LOGIN@example.com',
      password: 'site-password',
    });
    assert.equal(upper.statusCode, 201);
    assert.equal(upper.headers['cache-control'], 'no-store');
    const wrong = await ctx.api.post('/auth/login/', {
      email: 'login@example.com',
      password: 'nope-nope',
    });
    assert.equal(wrong.statusCode, 401);
    assert.equal(errorBody(wrong).code, 'invalid_credentials');
  });

  it('When the site refreshes with PUT /auth/login/ and sends its old access token along, then a new pair', async () => {
    const { tokens } = await registerAndLogin(ctx, 'refresh@example.com');
    const response = await ctx.api.put('/auth/login/', {
      refresh_token: tokens.refresh_token,
      access_token: tokens.access_token,
    });
    assert.equal(response.statusCode, 201);
    const next = response.json<Tokens>();
    const me = await ctx.api.as(next.access_token).get('/user/');
    assert.equal(me.statusCode, 200);
    const unknownField = await ctx.api.put('/auth/login/', {
      refresh_token: next.refresh_token,
      extra: 1,
    });
    assert.equal(unknownField.statusCode, 400);
  });

  it('When the old access token is sent as null, then it is ignored; another type is a 400', async () => {
    const { tokens } = await registerAndLogin(ctx, 'null-access@example.com');
    const withNull = await ctx.api.put('/auth/login/', {
      refresh_token: tokens.refresh_token,
      access_token: null,
    });
    assert.equal(withNull.statusCode, 201);
    const next = withNull.json<Tokens>();
    const withNumber = await ctx.api.put('/auth/login/', {
      refresh_token: next.refresh_token,
      access_token: 42,
    });
    assert.equal(withNumber.statusCode, 400);
    assert.ok(errorBody(withNumber).errors?.access_token);
  });
});
