import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  bearer,
  buildTestApp,
  errorBody,
  signedIn,
  expiredToken,
  type TestContext,
  type Tokens,
} from '../../helpers.js';

const SITE = 'http://site.example:3000';
let ctx: TestContext;
let admin: Record<string, string>;

before(async () => {
  ctx = await buildTestApp({
    CATALOG_READ: 'public',
    CORS_ORIGINS: `${SITE}, http://other.example`,
    REGISTRATIONS_PER_MINUTE: '1000',
  });
  admin = (await signedIn(ctx, 'site-admin', 'admin')).headers;
});
after(() => ctx.app.close());

const origin = { origin: SITE };

async function registerAndLogin(email: string, password = 'site-password') {
  const registered = await ctx.api.with(origin).post('/auth/register/', { email, password });
  assert.equal(registered.statusCode, 201, registered.body);
  const login = await ctx.api.with(origin).post('/auth/login/', { email, password });
  assert.equal(login.statusCode, 201, login.body);
  const tokens = login.json<Tokens>();
  return {
    id: registered.json<{ id: number }>().id,
    tokens,
    headers: { ...origin, ...bearer(tokens.access_token) },
  };
}

describe('CORS', () => {
  it('When a preflight comes for any method on any path, slash or not, then it is answered without a token', async () => {
    for (const url of [
      '/movies/',
      '/movies',
      '/favorites/movies/3/',
      '/favorites/movies/3',
      '/auth/login/',
      '/user/password/',
      '/user',
    ]) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        const response = await ctx.api
          .with({
            origin: SITE,
            'access-control-request-method': method,
            'access-control-request-headers': 'authorization,content-type',
          })
          .request('OPTIONS', url);
        assert.equal(response.statusCode, 204, `${method} ${url}`);
        assert.equal(response.headers['access-control-allow-origin'], SITE);
        const methods = String(response.headers['access-control-allow-methods']).split(/,\s*/);
        for (const wanted of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
          assert.ok(methods.includes(wanted), `${wanted} allowed`);
        const headers = String(response.headers['access-control-allow-headers'])
          .toLowerCase()
          .split(/,\s*/);
        assert.ok(
          headers.includes('authorization') && headers.includes('content-type'),
          String(response.headers['access-control-allow-headers']),
        );
      }
    }
  });

  it('When an answer is an error (401, 404, 400), then it carries the CORS headers too', async () => {
    const cases = [
      await ctx.api.with(origin).get('/user/'),
      await ctx.api.with(origin).get('/movies/99999'),
      await ctx.api.with(origin).get('/nowhere'),
      await ctx.api.with(origin).post('/auth/login/', { email: 1 }),
    ];
    assert.deepEqual(
      cases.map((r) => r.statusCode),
      [401, 404, 404, 400],
    );
    for (const response of cases) {
      assert.equal(response.headers['access-control-allow-origin'], SITE);
      assert.match(String(response.headers['access-control-expose-headers']), /Link/);
    }
  });

  it('When the origin is not listed, then no CORS header allows it', async () => {
    const response = await ctx.api.with({ origin: 'http://evil.example' }).get('/movies/1');
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  });

  it('When CORS_ORIGINS is unset, then no CORS headers at all; with *, every origin', async () => {
    const plain = await buildTestApp();
    const star = await buildTestApp({ CORS_ORIGINS: '*' });
    try {
      const none = await plain.api.with(origin).get('/health');
      assert.equal(none.headers['access-control-allow-origin'], undefined);
      const preflight = await plain.api
        .with({ ...origin, 'access-control-request-method': 'GET' })
        .request('OPTIONS', '/movies/');
      assert.equal(preflight.headers['access-control-allow-origin'], undefined);
      const any = await star.api.with({ origin: 'http://anyone.example' }).get('/health');
      assert.equal(any.headers['access-control-allow-origin'], '*');
    } finally {
      await plain.app.close();
      await star.app.close();
    }
  });
});

describe('Anonymous browsing (CATALOG_READ=public)', () => {
  it('When the site sends "Bearer undefined" or an expired token, then catalog reads still answer', async () => {
    const expired = expiredToken();
    for (const authorization of ['Bearer undefined', `Bearer ${expired}`]) {
      for (const url of [
        '/movies/?status=new&per_page=8',
        '/genres/',
        '/directors/1/',
        '/movies/1/',
      ]) {
        const response = await ctx.api.with({ ...origin, authorization }).get(url);
        assert.equal(response.statusCode, 200, `${authorization.slice(0, 20)} ${url}`);
      }
    }
    const write = await ctx.api
      .with({ ...origin, authorization: 'Bearer undefined' })
      .post('/genres/', { name: 'x' });
    assert.equal(write.statusCode, 401);
  });
});

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
    const { tokens } = await registerAndLogin('login@example.com');
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
    const { tokens } = await registerAndLogin('refresh@example.com');
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
    const { tokens } = await registerAndLogin('null-access@example.com');
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

describe('Profile', () => {
  it('When the profile is changed with favourite_genre as "4", then it reads back as the number 4', async () => {
    const me = await registerAndLogin('profile@example.com');
    const patched = await ctx.api
      .as(me)
      .patch('/user/', { name: 'Анна', surname: 'Иванова', favourite_genre: '4' });
    assert.equal(patched.statusCode, 204, patched.body);
    const read = await ctx.api.as(me).get('/user/');
    assert.deepEqual(read.json(), {
      id: me.id,
      username: 'profile@example.com',
      role: 'user',
      email: 'profile@example.com',
      name: 'Анна',
      surname: 'Иванова',
      favourite_genre: 4,
    });
    assert.equal((await ctx.api.as(me).patch('/user/', { favourite_genre: 7 })).statusCode, 204);
    assert.equal((await ctx.api.as(me).patch('/user/', { favourite_genre: null })).statusCode, 204);
    assert.equal(
      (await ctx.api.as(me).get('/user/')).json<{
        favourite_genre: unknown;
      }>().favourite_genre,
      null,
    );
  });

  it('When the profile is invalid, then 400 naming the field, nothing stored', async () => {
    const me = await registerAndLogin('bad-profile@example.com');
    const cases: [Record<string, unknown>, string][] = [
      [{ favourite_genre: '999' }, 'favourite_genre'],
      [{ favourite_genre: 'four' }, 'favourite_genre'],
      [{ favourite_genre: '04' }, 'favourite_genre'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ surname: 5 }, 'surname'],
      [{ role: 'admin' }, 'role'],
    ];
    for (const [payload, field] of cases) {
      const response = await ctx.api.as(me).patch('/user/', payload);
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.ok(
        errorBody(response).errors?.[field],
        `${JSON.stringify(payload)}: ${response.body}`,
      );
    }
    assert.equal(
      (await ctx.api.as(me).get('/user/')).json<{
        name: string;
      }>().name,
      '',
    );
  });

  it('When the favourite genre is deleted, then the profile forgets it', async () => {
    const me = await registerAndLogin('genre-gone@example.com');
    const genre = await ctx.api.with(admin).post('/genres/', { name: 'Короткий жанр' });
    const genreId = genre.json<{ id: number }>().id;
    await ctx.api.as(me).patch('/user/', { favourite_genre: String(genreId) });
    assert.equal((await ctx.api.with(admin).delete(`/genres/${genreId}`)).statusCode, 204);
    assert.equal(
      (await ctx.api.as(me).get('/user/')).json<{
        favourite_genre: unknown;
      }>().favourite_genre,
      null,
    );
  });

  it('When the password is changed, then a wrong old one is 400, and the right one revokes refresh tokens', async () => {
    const me = await registerAndLogin('password@example.com', 'old-password');
    const wrong = await ctx.api
      .as(me)
      .put('/user/password/', { old_password: 'not-it-at-all', new_password: 'new-password' });
    assert.equal(wrong.statusCode, 400);
    assert.ok(errorBody(wrong).errors?.old_password);
    const short = await ctx.api
      .as(me)
      .put('/user/password/', { old_password: 'old-password', new_password: 'short' });
    assert.equal(short.statusCode, 400);
    const changed = await ctx.api
      .as(me)
      .put('/user/password/', { old_password: 'old-password', new_password: 'new-password' });
    assert.equal(changed.statusCode, 204);
    const refresh = await ctx.api.put('/auth/login/', { refresh_token: me.tokens.refresh_token });
    assert.equal(refresh.statusCode, 401);
    const oldLogin = await ctx.api.post('/auth/login/', {
      email: 'password@example.com',
      password: 'old-password',
    });
    assert.equal(oldLogin.statusCode, 401);
    const newLogin = await ctx.api.post('/auth/login/', {
      email: 'password@example.com',
      password: 'new-password',
    });
    assert.equal(newLogin.statusCode, 201);
  });
});

describe('Favourites', () => {
  it('When movies are added, added again and removed, then the list is most recent first, without repeats', async () => {
    const me = await registerAndLogin('fan@example.com');
    const favourites = async () =>
      (await ctx.api.as(me).get('/favorites/movies/')).json<{ id: number; genre: unknown }[]>();
    // No body and no content type, as the site sends them.
    for (const id of [3, 5, 3]) {
      const added = await ctx.api.as(me).post(`/favorites/movies/${id}/`);
      assert.equal(added.statusCode, 204, added.body);
    }
    const list = await favourites();
    assert.deepEqual(
      list.map((movie) => movie.id),
      [5, 3],
    );
    assert.ok(list[0]?.genre, 'full movie objects');
    assert.equal((await ctx.api.as(me).delete('/favorites/movies/5/')).statusCode, 204);
    assert.equal(
      (await ctx.api.as(me).delete('/favorites/movies/5')).statusCode,
      204,
      'not there: fine',
    );
    assert.deepEqual(
      (await favourites()).map((movie) => movie.id),
      [3],
    );
    for (const method of ['POST', 'DELETE'] as const) {
      assert.equal(
        (await ctx.api.as(me).request(method, '/favorites/movies/99999/')).statusCode,
        404,
      );
      assert.equal((await ctx.api.as(me).request(method, '/favorites/movies/x/')).statusCode, 400);
    }
    assert.equal((await ctx.api.with(origin).get('/favorites/movies/')).statusCode, 401);
  });

  it('When a favourite movie is deleted, then it leaves every list', async () => {
    const first = await registerAndLogin('fan1@example.com');
    const second = await registerAndLogin('fan2@example.com');
    const movie = await ctx.api.with(admin).post('/movies/', { title: 'Скоро удалят' });
    const movieId = movie.json<{ id: number }>().id;
    for (const fan of [first, second]) await ctx.api.as(fan).post(`/favorites/movies/${movieId}/`);
    assert.equal((await ctx.api.with(admin).delete(`/movies/${movieId}`)).statusCode, 204);
    for (const fan of [first, second]) {
      const list = await ctx.api.as(fan).get('/favorites/movies/');
      assert.deepEqual(list.json(), []);
    }
  });
});
