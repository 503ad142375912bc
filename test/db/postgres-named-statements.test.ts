import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp, onPostgres, signedIn, type TestContext } from '../helpers.js';

// One connection, so the statements the requests prepared are the ones this session lists.
async function preparedOn(ctx: TestContext): Promise<{ name: string; statement: string }[]> {
  const { rows } = await sql<{ name: string; statement: string }>`
    select name, statement from pg_prepared_statements order by name`.execute(ctx.db);
  return rows;
}

async function readCatalog(ctx: TestContext, headers: Record<string, string>): Promise<string[]> {
  const bodies: string[] = [];
  for (const url of ['/movies/', '/movies/?genre_id=17&sort=-rating', '/movies/1', '/movies/2']) {
    const response = await ctx.app.inject({ url, headers });
    assert.equal(response.statusCode, 200, url);
    bodies.push(response.body);
  }
  return bodies;
}

describe(
  'PostgreSQL: the most-run statements are prepared once per connection',
  {
    skip: !onPostgres && 'PostgreSQL only',
  },
  () => {
    let named: TestContext;
    let unnamed: TestContext;
    let namedHeaders: Record<string, string>;
    let unnamedHeaders: Record<string, string>;
    before(async () => {
      const common = { RESPONSE_CACHE_MB: '0', DATABASE_POOL_SIZE: '1' };
      named = await buildTestApp(common);
      unnamed = await buildTestApp({ ...common, DATABASE_PREPARED_STATEMENTS: 'false' });
      namedHeaders = (await signedIn(named, 'named-reader')).headers;
      unnamedHeaders = (await signedIn(unnamed, 'unnamed-reader')).headers;
    });
    after(async () => {
      await named.app.close();
      await unnamed.app.close();
    });

    it('When movies are read twice, then the list and item queries run by name and answer as unnamed ones do', async () => {
      const first = await readCatalog(named, namedHeaders);
      const prepared = await preparedOn(named);
      const second = await readCatalog(named, namedHeaders);
      assert.deepEqual(second, first);
      const movieStatements = prepared.filter(({ statement }) => statement.includes('"movies"'));
      // The id query, and one list query per shape (two shapes above).
      assert.equal(movieStatements.length, 3, JSON.stringify(prepared));
      assert.ok(movieStatements.every(({ name }) => /^movie_catalog_\d+$/.test(name)));
      // Running them again prepared nothing more.
      assert.deepEqual(await preparedOn(named), prepared);
      // A title search runs unnamed: a generic plan cannot see its LIKE pattern.
      const search = await named.app.inject({
        url: '/movies/?q=%D0%B9%D0%B5',
        headers: namedHeaders,
      });
      assert.equal(search.statusCode, 200);
      assert.deepEqual(await preparedOn(named), prepared);
      // The same answers from an instance that sends every statement unnamed.
      assert.deepEqual(await readCatalog(unnamed, unnamedHeaders), first);
    });

    it('When a search runs past the plans PostgreSQL makes per value, then it runs by name and answers as unnamed', async () => {
      // A prefix, a typo and a word that is nowhere: the walk, the typo look-up and the index read.
      const urls = ['ма', 'матрца', 'шоушенк', 'нолан'].map(
        (text) => `/movies/?search=${encodeURIComponent(text)}&per_page=3`,
      );
      const answers = async (ctx: TestContext, headers: Record<string, string>) => {
        const bodies: string[] = [];
        for (const url of urls) {
          const response = await ctx.app.inject({ url, headers });
          assert.equal(response.statusCode, 200, url);
          bodies.push(response.body);
        }
        return bodies;
      };
      const first = await answers(named, namedHeaders);
      // After five runs PostgreSQL may plan a named statement once for any value.
      for (let run = 0; run < 6; run += 1)
        assert.deepEqual(await answers(named, namedHeaders), first);
      const searchStatements = (await preparedOn(named)).filter(({ name }) =>
        name.startsWith('movie_search_'),
      );
      assert.ok(searchStatements.length >= 4, JSON.stringify(searchStatements));
      assert.ok(first.some((body) => body !== '[]'));
      assert.deepEqual(await answers(unnamed, unnamedHeaders), first);
    });

    it('When DATABASE_PREPARED_STATEMENTS=false, then the connection keeps no prepared statement', async () => {
      await readCatalog(unnamed, unnamedHeaders);
      assert.deepEqual(await preparedOn(unnamed), []);
    });
  },
);
