import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, errorBody, signedIn, type TestContext } from '../../helpers.js';
import { nextLinkShape } from '../../links.js';

let ctx: TestContext;
let user: Record<string, string>;
let admin: Record<string, string>;

before(async () => {
  ctx = await buildTestApp();
  user = (await signedIn(ctx, 'names-reader')).headers;
  admin = (await signedIn(ctx, 'names-admin', 'admin')).headers;
});
after(() => ctx.app.close());

type Named = { id: number; name: string };

for (const resource of ['genres', 'directors'] as const) {
  const seeded = resource === 'genres' ? 18 : 20;
  // Drama (genre 4) and Taylor Sheridan (director 1) have movies in the demo catalog.
  const referencedId = resource === 'genres' ? 4 : 1;

  describe(`/${resource}/`, () => {
    const create = (name: unknown, headers = admin) =>
      ctx.api.with(headers).post(`/${resource}/`, { name });

    it(`When a user lists ${resource}, then all ${seeded} seeded rows in id order`, async () => {
      const response = await ctx.api.with(user).get(`/${resource}`);
      assert.equal(response.statusCode, 200);
      const rows = response.json<Named[]>();
      assert.equal(rows.length, seeded);
      assert.deepEqual(
        rows.map((row) => row.id),
        Array.from({ length: seeded }, (_, i) => i + 1),
      );
      assert.deepEqual(Object.keys(rows[0] ?? {}), ['id', 'name']);
    });

    it('When paged, then Link names the next page', async () => {
      const response = await ctx.api.with(user).get(`/${resource}/?per_page=5&page=2`);
      assert.deepEqual(
        response.json<Named[]>().map((row) => row.id),
        [6, 7, 8, 9, 10],
      );
      assert.equal(nextLinkShape(response.headers.link), `/${resource}/?per_page=5&after=*`);
    });

    it('When anonymous, then 401; a user writing, then 403', async () => {
      assert.equal((await ctx.api.get(`/${resource}/1`)).statusCode, 401);
      const write = await create('Nope', user);
      assert.equal(write.statusCode, 403);
    });

    it('When an admin creates, replaces, patches and deletes one, then each step answers as the contract says', async () => {
      const created = await create('  Spaced name ');
      assert.equal(created.statusCode, 201);
      const row = created.json<Named>();
      assert.equal(row.name, '  Spaced name ');
      assert.equal(created.headers.location, `/${resource}/${row.id}`);

      const put = await ctx.api
        .with(admin)
        .put(`/${resource}/${row.id}/`, { id: row.id, name: 'Replaced' });
      assert.equal(put.statusCode, 204);
      const patch = await ctx.api.with(admin).patch(`/${resource}/${row.id}`, { name: 'Patched' });
      assert.equal(patch.statusCode, 204);
      const fetched = await ctx.api.with(user).get(`/${resource}/${row.id}`);
      assert.deepEqual(fetched.json(), { id: row.id, name: 'Patched' });

      const removed = await ctx.api.with(admin).delete(`/${resource}/${row.id}`);
      assert.equal(removed.statusCode, 204);
      const gone = await ctx.api.with(user).get(`/${resource}/${row.id}`);
      assert.equal(gone.statusCode, 404);
      assert.equal(errorBody(gone).code, 'not_found');
    });

    it('When the name is missing, empty, too long, not a string, or extra fields come along, then 400', async () => {
      for (const payload of [
        {},
        { name: '' },
        { name: 'x'.repeat(256) },
        { name: 5 },
        { name: 'ok', extra: true },
      ]) {
        const response = await ctx.api.with(admin).post(`/${resource}/`, payload);
        assert.equal(response.statusCode, 400, JSON.stringify(payload));
        assert.equal(errorBody(response).code, 'validation_error');
      }
      const putWithoutName = await ctx.api.with(admin).put(`/${resource}/1`, {});
      assert.equal(putWithoutName.statusCode, 400);
      const otherId = await ctx.api.with(admin).put(`/${resource}/1`, { id: 2, name: 'x' });
      assert.equal(otherId.statusCode, 400);
    });

    it('When movies still reference the row, then DELETE is 409 and nothing is deleted', async () => {
      const response = await ctx.api.with(admin).delete(`/${resource}/${referencedId}`);
      assert.equal(response.statusCode, 409);
      assert.equal(errorBody(response).code, 'conflict');
      const kept = await ctx.api.with(user).get(`/${resource}/${referencedId}`);
      assert.equal(kept.statusCode, 200);
    });

    it('When the id is unknown, then 404 on every route; when malformed, 400', async () => {
      for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) {
        const headers = method === 'GET' ? user : admin;
        const payload = method === 'PUT' || method === 'PATCH' ? { name: 'x' } : undefined;
        const unknown = await ctx.api.with(headers).request(method, `/${resource}/424242`, payload);
        assert.equal(unknown.statusCode, 404, method);
        const malformed = await ctx.api.with(headers).request(method, `/${resource}/x1`, payload);
        assert.equal(malformed.statusCode, 400, method);
      }
    });
  });
}

describe('Genre names', () => {
  const create = (name: string) => ctx.api.with(admin).post('/genres/', { name });

  it('When a name differs only by case, Cyrillic included, then 409', async () => {
    for (const name of ['ДРАМА', 'драма', 'Драма']) {
      const response = await create(name);
      assert.equal(response.statusCode, 409, name);
      assert.equal(errorBody(response).code, 'conflict');
    }
    assert.equal((await create('Нуар')).statusCode, 201);
    assert.equal((await create('НУАР')).statusCode, 409);
  });

  it('When a genre is renamed to another genre name, then 409; to its own name in another case, then 204', async () => {
    const clash = await ctx.api.with(admin).patch('/genres/1', { name: 'драма' });
    assert.equal(clash.statusCode, 409);
    const recase = await ctx.api.with(admin).patch('/genres/1', { name: 'КОМЕДИЯ' });
    assert.equal(recase.statusCode, 204);
    const fetched = await ctx.api.with(user).get('/genres/1');
    assert.equal(fetched.json<Named>().name, 'КОМЕДИЯ');
  });

  it('When directors share a name, then both exist (no uniqueness)', async () => {
    const first = await ctx.api.with(admin).post('/directors/', { name: 'Same Name' });
    const second = await ctx.api.with(admin).post('/directors/', { name: 'Same Name' });
    assert.equal(first.statusCode, 201);
    assert.equal(second.statusCode, 201);
  });
});
