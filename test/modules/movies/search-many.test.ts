// GET /movies/?search= over more movies than PostgreSQL's reader walks in id order (5,000) before
// it asks the GIN index (search-list.ts): matches past the walk, tiers that fill a page from
// both, words that are each frequent and meet once, and paging across the two. On SQLite the
// same answers come from FTS5 alone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp, onPostgres, signedIn, type Api, type TestContext } from '../../helpers.js';
import { linksOf } from '../../links.js';

let ctx: TestContext;
let admin: Api;
let reader: Api;
const FILLERS = 12_000;
const ids: Record<string, number> = {};

async function create(path: string, body: Record<string, unknown>): Promise<number> {
  const response = await admin.post(path, body);
  assert.equal(response.statusCode, 201, response.body);
  return response.json<{ id: number }>().id;
}

/** Movies made in one statement: the `select` of their columns for n = 1 … count. */
async function insertMovies(count: number, columns: string): Promise<void> {
  const insert = `insert into movies (title, title_key, description, trailer, year, rating)
    select ${columns}`;
  await (
    onPostgres
      ? sql.raw(`${insert} from generate_series(1, ${count}) as n`)
      : sql.raw(`with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ${count})
        ${insert} from seq`)
  ).execute(ctx.db);
}

async function found(search: string, more = '&per_page=12'): Promise<number[]> {
  const response = await reader.get(`/movies/?search=${encodeURIComponent(search)}${more}`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ id: number }[]>().map((movie) => movie.id);
}

before(async () => {
  ctx = await buildTestApp();
  admin = ctx.api.as(await signedIn(ctx, 'many-admin', 'admin'));
  reader = ctx.api.as(await signedIn(ctx, 'many-reader'));
  // Fillers: "alpha" and "beta" in every other title, never together; "gamma" in every 1,000th
  // (12 of them, the first at position 1,000, so a page of 20 reaches past the first 5,000).
  const title = (n: string) =>
    `'filler ' || ${n} || case when ${n} % 2 = 0 then ' alpha' else ' beta' end ||
     case when ${n} % 1000 = 0 then ' gamma' else '' end`;
  await insertMovies(FILLERS, `${title('n')}, lower(${title('n')}), 'Filler', '', 2000, 5`);
  ids.kubrick = await create('/directors/', { name: 'Stanley Kubrick' });
  ids.odyssey = await create('/movies/', { title: '2001 Odyssey', director_id: ids.kubrick });
  ids.shining = await create('/movies/', { title: 'The Shining', director_id: ids.kubrick });
  ids.about = await create('/movies/', { title: 'Kubrick remembered' });
  ids.both = await create('/movies/', { title: 'Alpha meets beta' });
  ids.number = await create('/movies/', { title: 'Agent 9876543' });
});
after(() => ctx.app.close());

describe('Search past the first movies in id order', () => {
  it('When a director is searched whose movies come last, then the title match comes first and then theirs', async () => {
    assert.deepEqual(await found('kubrick'), [ids.about, ids.odyssey, ids.shining]);
    assert.deepEqual(await found('kubri'), [ids.about, ids.odyssey, ids.shining]);
    assert.deepEqual(await found('kubrik'), [ids.about, ids.odyssey, ids.shining]);
  });

  it('When two words are each in half the titles and meet in one, then that one is found', async () => {
    assert.deepEqual(await found('alpha beta'), [ids.both]);
    assert.deepEqual(await found('beta alph'), [ids.both]);
    assert.deepEqual(await found('987654'), [ids.number]);
    assert.deepEqual(await found('shining kubrick'), [ids.shining]);
    assert.deepEqual(await found('gamma kubrick'), []);
  });

  it('When a sparse word is paged through, then the pages join into the whole answer in id order', async () => {
    const whole = await found('gamma', '&per_page=50');
    assert.equal(whole.length, FILLERS / 1000);
    assert.deepEqual(
      whole,
      [...whole].sort((a, b) => a - b),
    );
    const paged: number[] = [];
    let path: string | undefined = `/movies/?search=gamma&per_page=5`;
    while (path !== undefined) {
      const response = await reader.get(path);
      assert.equal(response.statusCode, 200, response.body);
      paged.push(...response.json<{ id: number }[]>().map((movie) => movie.id));
      path = linksOf(response.headers.link).next;
    }
    assert.deepEqual(paged, whole);
    const counted = await reader
      .with({ prefer: 'count=exact' })
      .get('/movies/?search=gamma&per_page=5');
    assert.equal(counted.headers['x-total-count'], String(FILLERS / 1000));
  });

  it('When a frequent word fills a page, then the page is the first movies holding it', async () => {
    const page = await found('alpha', '&per_page=20');
    assert.equal(page.length, 20);
    assert.deepEqual(await found('alpha', '&per_page=20&page=2').then((p) => p.length), 20);
    const firstTen = await found('alpha', '&per_page=10');
    assert.deepEqual(firstTen, page.slice(0, 10));
  });

  it('When more movies than the index ranks at once hold a word none of the first movies hold, then the page is still the first of them by id', async () => {
    // 2,100 "zeta" movies after the fillers: PostgreSQL's walk finds none, the index more than
    // the 2,000 it ranks at once. The first 20 are written again, so the table holds their
    // rows last: a read of the index's first 2,000 matches would miss them.
    await insertMovies(2100, `'zeta ' || n, 'zeta ' || n, 'Later', '', 2001, 5`);
    const zeta = await sql<{ id: number }>`select id from movies where title like 'zeta %'
      order by id`.execute(ctx.db);
    const first = zeta.rows.slice(0, 20).map((row) => Number(row.id));
    await sql`update movies set description = 'Rewritten' where id in (${sql.join(first)})`.execute(
      ctx.db,
    );
    assert.deepEqual(await found('zeta'), first.slice(0, 12));
    assert.deepEqual(
      await found('zeta', '&per_page=12&page=2').then((p) => p.slice(0, 8)),
      first.slice(12),
    );
  });
});
