import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import {
  buildTestApp,
  errorBody,
  login,
  onPostgres,
  signedIn,
  type TestContext,
} from '../helpers.js';

let ctx: TestContext;
let user: Record<string, string>;
let admin: Record<string, string>;

before(async () => {
  ctx = await buildTestApp({ REGISTRATIONS_PER_MINUTE: '1000' });
  user = (await signedIn(ctx, 'hostile-reader')).headers;
  admin = (await signedIn(ctx, 'hostile-admin', 'admin')).headers;
});
after(() => ctx.app.close());

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'x\ud83c';
const DOTTED_CAPITAL_I = 'İ';

function send(method: string, url: string, payload?: unknown, headers = admin) {
  return ctx.api.with(headers).request(method as 'GET', url, payload as Record<string, unknown>);
}

async function assertRefused(
  response: Awaited<ReturnType<typeof send>>,
  field: string,
  message = /NUL/,
): Promise<void> {
  assert.equal(response.statusCode, 400, response.body);
  const body = errorBody(response);
  assert.equal(body.code, 'validation_error');
  assert.match(String(body.errors?.[field]), message, response.body);
}

describe('text a database cannot store', () => {
  it('When a NUL comes in a body field of any route, then 400 validation_error naming the field', async () => {
    const cases: [string, string, Record<string, unknown>, string, Record<string, string>][] = [
      ['POST', '/auth/', { username: NUL, password: 'x' }, 'username', {}],
      ['POST', '/auth/login/', { email: NUL, password: 'x' }, 'email', {}],
      // Not a password: it is hashed, never stored, so NUL is allowed there (raw-bytes.test.ts).
      ['POST', '/users/', { username: NUL, password: 'long-enough-1' }, 'username', {}],
      ['POST', '/movies/', { title: 'Nul', description: NUL }, 'description', admin],
      ['POST', '/genres/', { name: NUL }, 'name', admin],
      ['PUT', '/directors/1', { name: NUL }, 'name', admin],
      ['PATCH', '/user/', { surname: NUL }, 'surname', user],
      ['PUT', '/auth/', { refresh_token: NUL }, 'refresh_token', {}],
    ];
    for (const [method, url, payload, field, headers] of cases) {
      await assertRefused(await send(method, url, payload, headers), field);
    }
  });

  it('When a NUL hides in a nested, read-only or unknown field, then its path is named', async () => {
    await assertRefused(await send('PATCH', '/movies/1', { genre: { name: NUL } }), 'genre.name');
    await assertRefused(await send('PATCH', '/movies/1', { tags: ['ok', NUL] }), 'tags.1');
    await assertRefused(await send('POST', '/genres/', { [NUL]: 'x' }), NUL, /field name/);
    const bareString = await ctx.api
      .with({ ...admin, 'content-type': 'application/json' })
      .post('/genres/', JSON.stringify(NUL));
    await assertRefused(bareString, 'body');
  });

  it('When a NUL comes in a query string or a path parameter, then 400 naming it, on routes with and without a query schema', async () => {
    await assertRefused(await send('GET', '/movies/?q=%00', undefined, user), 'q');
    await assertRefused(await send('GET', '/movies/?_=1%00', undefined, user), '_');
    await assertRefused(await send('GET', '/user/?x=%00', undefined, user), 'x');
    await assertRefused(await send('GET', '/movies/1%00', undefined, user), 'id');
    await assertRefused(await send('DELETE', '/favorites/movies/%00/', undefined, user), 'id');
  });

  it('When text holds half a surrogate pair, then 400; whole pairs (emoji) are stored exactly', async () => {
    await assertRefused(
      await send('POST', '/movies/', { title: LONE_SURROGATE }),
      'title',
      /surrogate/,
    );
    await assertRefused(
      await send('PATCH', '/movies/1', JSON.parse('{"description":"\\udc00"}')),
      'description',
      /surrogate/,
    );
    const created = await send('POST', '/movies/', { title: 'Кино 🎬', description: '🍿' });
    assert.equal(created.statusCode, 201, created.body);
    const read = await send('GET', created.headers.location as string);
    assert.equal(read.json<{ title: string }>().title, 'Кино 🎬');
  });

  it('When a body is nested thousands deep or full of bad strings, then a bounded 400, never a 500', async () => {
    const deep = `{"title":${'['.repeat(20_000)}"\\u0000"${']'.repeat(20_000)}}`;
    const nested = await ctx.api
      .with({ ...admin, 'content-type': 'application/json' })
      .post('/movies/', deep);
    assert.equal(nested.statusCode, 400, nested.body.slice(0, 200));
    const many = await send('POST', '/movies/', { title: Array(2000).fill(NUL) });
    assert.equal(many.statusCode, 400);
    assert.ok(Object.keys(errorBody(many).errors ?? {}).length <= 10);
  });
});

describe('which error wins when a body holds text a database cannot store', () => {
  it('When the body also asks for a role the caller may not set, then 403 comes first, as for any invalid body', async () => {
    const registering = await ctx.api.post('/users/', {
      username: NUL,
      password: 'long-enough-1',
      role: 'admin',
    });
    assert.equal(registering.statusCode, 403, registering.body);
    const me = await signedIn(ctx, 'nul-role-changer');
    const promoting = await ctx.api
      .as(me)
      .patch(`/users/${me.id}`, { username: NUL, role: 'admin' });
    assert.equal(promoting.statusCode, 403, promoting.body);
  });
});

describe('keys of text that grows when lower-cased', () => {
  const longest = (length: number) => DOTTED_CAPITAL_I.repeat(length);

  it('When a username is 150 × İ, then it registers, logs in, and clashes with its own case', async () => {
    const username = longest(150);
    const registered = await send('POST', '/users/', { username, password: 'long-password' }, {});
    assert.equal(registered.statusCode, 201, registered.body);
    await login(ctx, username, 'long-password');
    const again = await send('POST', '/users/', { username, password: 'long-password' }, {});
    assert.equal(again.statusCode, 409);
  });

  it('When a title and a genre name are 255 × İ, then they are stored and found by search', async () => {
    const genre = await send('POST', '/genres/', { name: longest(255) });
    assert.equal(genre.statusCode, 201, genre.body);
    const movie = await send('POST', '/movies/', { title: longest(255) });
    assert.equal(movie.statusCode, 201, movie.body);
    const found = await send('GET', `/movies/?q=${encodeURIComponent('i̇i̇i̇')}`, undefined, user);
    assert.deepEqual(
      found.json<{ id: number }[]>().map((m) => m.id),
      [movie.json<{ id: number }>().id],
    );
  });

  it(
    'When the key columns are read back from PostgreSQL, then each holds twice its source',
    {
      skip: !onPostgres && 'SQLite does not enforce varchar lengths',
    },
    async () => {
      const { rows } = await sql<{ column_name: string; length: number }>`
      select column_name, character_maximum_length as length from information_schema.columns
      where table_schema = current_schema() and column_name in
        ('name', 'name_key', 'title', 'title_key', 'username', 'username_key', 'email', 'email_key')
        and table_name in ('genres', 'movies', 'users')`.execute(ctx.db);
      const length = (column: string) => rows.find((row) => row.column_name === column)?.length;
      for (const [source, key] of [
        ['title', 'title_key'],
        ['username', 'username_key'],
        ['email', 'email_key'],
      ] as const) {
        assert.ok(Number(length(key)) >= 2 * Number(length(source)), `${key} too short`);
      }
    },
  );
});

describe('numbers a database cannot hold', () => {
  it('When numbers overflow in bodies or query strings, then 400, never a 500', async () => {
    const body = await ctx.api
      .with({ ...admin, 'content-type': 'application/json' })
      .post(
        '/movies/',
        '{"title":"x","year":1e400,"rating":-1e400,"genre_id":1e20,"director_id":9007199254740992}',
      );
    assert.equal(body.statusCode, 400);
    assert.deepEqual(Object.keys(errorBody(body).errors ?? {}).sort(), [
      'director_id',
      'genre_id',
      'rating',
      'year',
    ]);
    for (const query of [
      'page=99999999999999999999',
      'page=1e400',
      'per_page=-0.5',
      'genre_id=9223372036854775808',
      'year=2147483648',
      `q=${'x'.repeat(256)}`,
    ]) {
      const response = await send('GET', `/movies/?${query}`, undefined, user);
      assert.equal(response.statusCode, 400, `${query}: ${response.body}`);
      assert.equal(errorBody(response).code, 'validation_error');
    }
    const lastPage = await send('GET', '/movies/?page=2147483647&per_page=100', undefined, user);
    assert.equal(lastPage.statusCode, 200);
  });
});
