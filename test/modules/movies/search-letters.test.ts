// GET /movies/?search=: both databases index the words the search has, letter by letter — the
// same folding (NFKD, accents off, lower case, final ς as σ) and the same word characters, for
// Latin, Greek and Cyrillic and the forms that fold into them (ﬁ, fullwidth letters, polytonic
// Greek). Each database's index is read as the writes leave it, through its triggers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { searchWordsOf } from '../../../src/shared/search-words.js';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  appOnDatabase,
  buildTestApp,
  onPostgres,
  signedIn,
  type Api,
  type TestContext,
} from '../../helpers.js';

let ctx: TestContext;
let admin: Api;
let reader: Api;

async function create(body: Record<string, unknown>): Promise<number> {
  const response = await admin.post('/movies/', body);
  assert.equal(response.statusCode, 201, response.body);
  return response.json<{ id: number }>().id;
}

async function found(search: string): Promise<string[]> {
  const response = await reader.get(`/movies/?search=${encodeURIComponent(search)}`);
  assert.equal(response.statusCode, 200, `${search}: ${response.body}`);
  return response.json<{ title: string }[]>().map((movie) => movie.title);
}

async function vocabulary(): Promise<Set<string>> {
  const { rows } = await sql<{ term: string }>`select term from movie_search_vocabulary`.execute(
    ctx.db,
  );
  return new Set(rows.map((row) => row.term));
}

before(async () => {
  ctx = await buildTestApp();
  admin = ctx.api.as(await signedIn(ctx, 'letters-admin', 'admin'));
  reader = ctx.api.as(await signedIn(ctx, 'letters-reader'));
});
after(() => ctx.app.close());

describe('Search: letters of every kind, the same on both databases', () => {
  it('When a title is in Ukrainian, Polish, Kazakh or Greek, then it is found typed with or without accents, in either case', async () => {
    const cases: [string, string[]][] = [
      ['Київ нагорі', ['київ', 'КИЇВ', 'киів']],
      ['Łódź Kaliska', ['łódź', 'ŁÓDŹ', 'łodz']],
      ['Ґава і Қазақ', ['ґава', 'ҐАВА', 'қазақ', 'ҚАЗАҚ']],
      ['Αθήνα μου', ['αθηνα', 'ΑΘΗΝΑ', 'Αθήνα']],
      ['Ὀδυσσεύς', ['οδυσσευς', 'ΟΔΥΣΣΕΥΣ', 'Οδυσσευσ']],
      ['Ｔｏｋｙｏ ﬁlm', ['tokyo', 'film', 'TOKYO FILM']],
      ['Ўладзімір', ['ўладзімір', 'УЛАДЗІМІР']],
    ];
    for (const [title] of cases) await create({ title });
    for (const [title, searches] of cases) {
      for (const search of searches) assert.deepEqual(await found(search), [title], search);
    }
  });

  it('When the search holds symbols and unassigned code points among letters, then they separate words (no 500)', async () => {
    await create({ title: 'Alpha϶Omega' });
    for (const search of ['alpha϶omega', 'alpha΢omega', 'alpha·omega', 'alpha҂omega']) {
      assert.deepEqual(await found(search), ['Alpha϶Omega'], search);
    }
  });

  it('When movies hold every Latin, Greek and Cyrillic letter and the forms that fold into them, then the index has exactly the words the search makes of them', async () => {
    const ranges: [number, number][] = [
      [0x00a0, 0x052f],
      [0x1e00, 0x1fff],
      [0x2100, 0x214f],
      [0xfb00, 0xfb06],
      [0xff01, 0xff5e],
    ];
    const probes: string[] = [];
    for (const [first, last] of ranges) {
      for (let code = first; code <= last; code += 1) probes.push(`q${String.fromCharCode(code)}z`);
    }
    probes.push('ΟΔΟΣ', 'οδος', 'Σίσυφος');
    const before = await vocabulary();
    const expected = new Set<string>();
    for (let start = 0; start < probes.length; start += 1000) {
      const [title, description] = [
        `Letters ${start}`,
        probes.slice(start, start + 1000).join(' '),
      ];
      for (const word of searchWordsOf(`${title} ${description}`)) {
        if (!before.has(word)) expected.add(word);
      }
      await create({ title, description });
    }
    const added = [...(await vocabulary())].filter((term) => !before.has(term));
    assert.deepEqual(added.sort(), [...expected].sort());
    // The probes hold letters the two kinds of index used to fold apart.
    for (const word of ['qiz', 'qαz', 'qσz', 'qłz', 'qfiz', 'qaz', 'qиz', 'οδοσ', 'σισυφοσ']) {
      assert.ok(expected.has(word), word);
    }
  });
});

describe('Attack: words at the limits of the index', () => {
  it('When a description holds a word of 2,046 bytes or more, then the movie is saved, and only words an index can hold are searchable', async () => {
    const word = (bytes: number) => 'ж'.repeat(Math.floor(bytes / 2)) + 'x'.repeat(bytes % 2);
    const longest = await create({ title: 'Longest word', description: `w${word(2045)} tail` });
    const tooLong = await create({ title: 'Too long word', description: `v${word(2046)} tail` });
    assert.ok(longest > 0 && tooLong > 0);
    // Prefixes of the two words: the 2,046-byte word is indexed, the 2,047-byte one is not.
    assert.deepEqual(await found('wжжж'), ['Longest word']);
    assert.deepEqual(await found('vжжж'), []);
    assert.deepEqual(await found('tail'), ['Longest word', 'Too long word']);
    const changed = await admin.patch(`/movies/${tooLong}`, { description: `u${word(4000)}` });
    assert.equal(changed.statusCode, 204, changed.body);
    assert.deepEqual(await found('vжжж'), []);
    assert.deepEqual(await found('tail'), ['Longest word']);
  });

  it('When a search holds long words of two scripts, then typo variants are looked up for the words that fit the budget, in the order typed', async () => {
    // 32 letters of two scripts: about 3,700 variants each, so the budget holds two of them.
    const [first, second, third] = [
      'abcdefghijklmnopqrstuvwxyzабвгде',
      'bcdefghijklmnopqrstuvwxyzабвгдеж',
      'cdefghijklmnopqrstuvwxyzабвгдежз',
    ];
    const title = `${first} ${second} ${third}`;
    await create({ title });
    const typo = (word: string) => `${word.slice(0, 10)}${word.slice(11)}`;
    assert.deepEqual(await found(`${typo(first)} ${typo(second)} ${third}`), [title]);
    assert.deepEqual(await found(`${first} ${second} ${typo(third)}`), []);
  });
});

describe('Search on a PostgreSQL database whose LC_CTYPE is C', { skip: !onPostgres }, () => {
  it('When the database lowers only ASCII itself, then the index lowers the other capitals through ICU', async () => {
    const name = `search_c_${randomUUID().replace(/-/g, '')}`;
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(
        `create database ${name} template template0 encoding 'UTF8' lc_ctype 'C' lc_collate 'C'`,
      );
      const url = new URL(String(process.env.TEST_DATABASE_URL));
      url.pathname = `/${name}`;
      const other = await appOnDatabase(url.toString());
      try {
        const { rows } = await sql<{ lowered: string }>`select lower('ŁÓDŹ') as lowered`.execute(
          other.db,
        );
        assert.equal(rows[0]?.lowered, 'ŁÓdŹ', 'the database lowers ASCII only');
        const api = other.api.as(await signedIn(other, 'c-admin', 'admin'));
        const created = await api.post('/movies/', { title: 'ŁÓDŹ ΑΘΗΝΑ ҐАВА' });
        assert.equal(created.statusCode, 201, created.body);
        const answer = await api.get(`/movies/?search=${encodeURIComponent('łódź αθηνα ґава')}`);
        assert.deepEqual(
          answer.json<{ title: string }[]>().map((movie) => movie.title),
          ['ŁÓDŹ ΑΘΗΝΑ ҐАВА'],
        );
      } finally {
        await other.app.close();
      }
    } finally {
      await admin.query(`drop database if exists ${name}`);
      await admin.end();
    }
  });
});
