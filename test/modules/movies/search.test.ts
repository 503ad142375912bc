// GET /movies/?search=: matching (prefix, one typo, AND, accents, case), the relevance order,
// paging, counts, caching and hostile input, on the demo catalog plus movies made here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, errorBody, signedIn, type Api, type TestContext } from '../../helpers.js';
import { linksOf } from '../../links.js';

let ctx: TestContext;
let admin: Api;
let reader: Api;
const ids: Record<string, number> = {};

interface Listed {
  id: number;
  title: string;
}

async function create(path: string, body: Record<string, unknown>): Promise<number> {
  const response = await admin.post(path, body);
  assert.equal(response.statusCode, 201, response.body);
  return response.json<{ id: number }>().id;
}

async function titles(search: string, more = ''): Promise<string[]> {
  const response = await reader.get(`/movies/?search=${encodeURIComponent(search)}${more}`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json<Listed[]>().map((movie) => movie.title);
}

before(async () => {
  ctx = await buildTestApp();
  admin = ctx.api.as(await signedIn(ctx, 'search-admin', 'admin'));
  reader = ctx.api.as(await signedIn(ctx, 'search-reader'));
  ids.darabont = await create('/directors/', { name: 'Frank Darabont' });
  ids.ryazanov = await create('/directors/', { name: 'Эльдар Рязанов' });
  ids.drama = await create('/genres/', { name: 'Prison drama' });
  const movies: [string, Record<string, unknown>][] = [
    ['shawshank', { title: 'The Shawshank Redemption', director_id: ids.darabont, rating: 9.3 }],
    ['story', { title: 'Darabont Story', rating: 5 }],
    ['story2', { title: 'Another Darabont story', genre_id: ids.drama, rating: 7 }],
    ['about', { title: 'Letters', description: 'Written by darabont himself' }],
    ['plural', { title: 'The Darabonts', rating: 6 }],
    ['typo', { title: 'Darabomt and friends' }],
    ['escape', { title: 'Побег из Шоушенка', director_id: ids.darabont }],
    ['irony', { title: 'Ирония судьбы, или С лёгким паром!', director_id: ids.ryazanov }],
    ['amelie', { title: 'Amélie', description: 'Le Fabuleux Destin d’Amélie Poulain' }],
    ['elki', { title: 'Ёлки', year: 2010 }],
    ['green', { title: 'The Green Mile', director_id: ids.darabont, genre_id: ids.drama }],
    ['agent', { title: 'Agent 31337' }],
  ];
  for (const [key, body] of movies) ids[key] = await create('/movies/', body);
});
after(() => ctx.app.close());

describe('Search: what matches', () => {
  it('When a word is typed in part, then titles with a word it begins match, Latin and Cyrillic', async () => {
    assert.deepEqual(await titles('shaw'), ['The Shawshank Redemption']);
    assert.deepEqual(await titles('шоушен'), ['Побег из Шоушенка']);
    assert.deepEqual(await titles('ШОУШЕНКА'), ['Побег из Шоушенка']);
  });

  it('When a long word has one typo (substitution, deletion, insertion, swap), then it still matches', async () => {
    for (const typed of ['shawshenk', 'shawshnk', 'shawshankk', 'shawhsank', 'redemtion']) {
      assert.deepEqual(await titles(typed), ['The Shawshank Redemption'], typed);
    }
    assert.deepEqual(await titles('шоушенкп'), ['Побег из Шоушенка']);
  });

  it('When a word is shorter than 5 letters or two typos away, then a typo does not match', async () => {
    // "mile" is 4 letters: "mule" is another word, not a typo of it.
    assert.deepEqual(await titles('mule'), []);
    assert.deepEqual(await titles('shawshenkk'), []);
    // Digits are not letters: a number matches as itself or a prefix, never with a typo.
    assert.deepEqual(await titles('31337'), ['Agent 31337']);
    assert.deepEqual(await titles('3133'), ['Agent 31337']);
    assert.deepEqual(await titles('31338'), []);
  });

  it('When several words are typed, then every one must match, in any field', async () => {
    assert.deepEqual(await titles('shawshank darabont'), ['The Shawshank Redemption']);
    assert.deepEqual(await titles('green drama frank'), ['The Green Mile']);
    assert.deepEqual(await titles('shawshank nosuchword'), []);
  });

  it('When accents and case differ, then the words still match (é, ё, й)', async () => {
    assert.deepEqual(await titles('AMELIE'), ['Amélie']);
    assert.deepEqual(await titles('amélie'), ['Amélie']);
    assert.deepEqual(await titles('елки'), ['Ёлки']);
    assert.deepEqual(await titles('ЁЛКИ'), ['Ёлки']);
    assert.deepEqual(await titles('легким'), ['Ирония судьбы, или С лёгким паром!']);
    assert.deepEqual(await titles('иеллоустоун'), ['Йеллоустоун']);
  });

  it("When a director's surname or a genre is typed, then their movies match", async () => {
    assert.deepEqual(await titles('рязанов'), ['Ирония судьбы, или С лёгким паром!']);
    const westerns = await reader.get('/movies/?genre_id=17');
    const western = await titles('вестерн');
    assert.deepEqual(
      western,
      westerns.json<Listed[]>().map((movie) => movie.title),
    );
  });
});

describe('Search: the relevance order', () => {
  it('When one word matches in several ways, then title before people before description, exact before prefix before typo, ties by id', async () => {
    const response = await reader.get('/movies/?search=darabont');
    assert.deepEqual(
      response.json<Listed[]>().map((movie) => movie.id),
      [
        ids.story, // title, exact
        ids.story2, // title, exact (a later id)
        ids.plural, // title, prefix
        ids.typo, // title, typo
        ids.shawshank, // director, exact
        ids.escape, // director, exact (a later id)
        ids.green, // director, exact
        ids.about, // description, exact
      ],
    );
  });

  it('When several words are typed, then the worst-matching word decides the place', async () => {
    // The stories: both words in the title. Shawshank: "s" in the title, "darabont" only in the
    // director's name. The Darabonts and the Green Mile have no word that begins with "s".
    assert.deepEqual(await titles('darabont s'), [
      'Darabont Story',
      'Another Darabont story',
      'The Shawshank Redemption',
    ]);
    assert.deepEqual(await titles('s darabont'), await titles('darabont s'));
  });

  it('When sort is given, then it orders the matches instead', async () => {
    assert.deepEqual(await titles('darabont', '&sort=-rating&per_page=3'), [
      'The Shawshank Redemption',
      'Another Darabont story',
      'The Darabonts',
    ]);
  });

  it('When combined with filters and q, then all apply', async () => {
    assert.deepEqual(await titles('darabont', `&genre_id=${ids.drama}`), [
      'Another Darabont story',
      'The Green Mile',
    ]);
    assert.deepEqual(await titles('darabont', '&q=story'), [
      'Darabont Story',
      'Another Darabont story',
    ]);
  });
});

describe('Search: paging, counts, caching', () => {
  it('When paged by next links, then the pages add up to the whole answer in its order, and the count is exact', async () => {
    const whole = await reader.get('/movies/?search=darabont');
    let url: string | undefined = '/movies/?search=darabont&per_page=3';
    const seen: number[] = [];
    let pages = 0;
    while (url !== undefined) {
      const page = await reader.get(url, { headers: { prefer: 'count=exact' } });
      assert.equal(page.statusCode, 200);
      assert.equal(page.headers['x-total-count'], '8');
      seen.push(...page.json<Listed[]>().map((movie) => movie.id));
      url = linksOf(page.headers.link).next;
      pages += 1;
    }
    assert.equal(pages, 3);
    assert.deepEqual(
      seen,
      whole.json<Listed[]>().map((movie) => movie.id),
    );
    const second = await reader.get('/movies/?search=darabont&per_page=3&page=2');
    assert.deepEqual(
      second.json<Listed[]>().map((movie) => movie.id),
      seen.slice(3, 6),
    );
  });

  it('When asked again with its ETag, then 304; after a rename of the director, the answer changes', async () => {
    const first = await reader.get('/movies/?search=frank');
    const etag = String(first.headers.etag);
    const again = await reader.get('/movies/?search=frank', { headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    const renamed = await admin.put(`/directors/${ids.darabont}`, { name: 'Francis Darabont' });
    assert.equal(renamed.statusCode, 204);
    const after = await reader.get('/movies/?search=frank', { headers: { 'if-none-match': etag } });
    assert.equal(after.statusCode, 200);
    assert.deepEqual(after.json(), []);
    assert.equal((await titles('francis')).length, 3);
    await admin.put(`/directors/${ids.darabont}`, { name: 'Frank Darabont' });
  });
});

describe('Search: the index follows every write', () => {
  it('When a movie is created, changed, moved to another genre and deleted, then search follows', async () => {
    const id = await create('/movies/', { title: 'Zyxwvut first' });
    assert.deepEqual(await titles('zyxwvut'), ['Zyxwvut first']);
    await admin.patch(`/movies/${id}`, { title: 'Qwertyu second' });
    assert.deepEqual(await titles('zyxwvut'), []);
    assert.deepEqual(await titles('qwertyu'), ['Qwertyu second']);
    await admin.patch(`/movies/${id}`, { genre_id: ids.drama, description: 'Тихий омут' });
    assert.deepEqual(await titles('prison омут qwertyu'), ['Qwertyu second']);
    const genre = await admin.put(`/genres/${ids.drama}`, { name: 'Jailbreak' });
    assert.equal(genre.statusCode, 204);
    assert.deepEqual(await titles('prison qwertyu'), []);
    assert.deepEqual(await titles('jailbreak qwertyu'), ['Qwertyu second']);
    await admin.put(`/genres/${ids.drama}`, { name: 'Prison drama' });
    assert.equal((await admin.delete(`/movies/${id}`)).statusCode, 204);
    assert.deepEqual(await titles('qwertyu'), []);
  });
});

describe('Attack: hostile search text', () => {
  const refused = async (search: string) => {
    const response = await reader.get(`/movies/?search=${encodeURIComponent(search)}`);
    assert.equal(response.statusCode, 400, `${JSON.stringify(search)}: ${response.body}`);
    assert.equal(errorBody(response).code, 'validation_error');
  };

  it('When the text is blank, punctuation, too long or too many words, then 400', async () => {
    for (const search of ['', '   ', '%', '_', '%_%', '"*:-()^', '!?.,;'.repeat(40)]) {
      await refused(search);
    }
    await refused('a'.repeat(201));
    await refused('a b c d e f g h i j k');
    await refused('shaw\u0000shank');
  });

  it('When the text holds FTS and tsquery syntax, then it is read as words, not as syntax', async () => {
    for (const search of [
      '"shawshank',
      'shawshank*',
      'shaw* OR green',
      'NEAR(shawshank green)',
      '-shawshank',
      'title:shawshank',
      "shawshank' | 'green",
      'shawshank & !green',
      '{title} : shawshank',
    ]) {
      const response = await reader.get(`/movies/?search=${encodeURIComponent(search)}`);
      assert.equal(response.statusCode, 200, `${search}: ${response.body}`);
      const found = response.json<Listed[]>().map((movie) => movie.title);
      assert.ok(
        found.every((title) => title !== 'The Green Mile'),
        search,
      );
    }
    // NEAR and OR are plain words here: nothing in the catalog holds them with "shaw".
    assert.deepEqual(await titles('shaw OR'), []);
  });

  it('When one word is very long or a page very deep, then a clear answer', async () => {
    assert.deepEqual(await titles('ж'.repeat(200)), []);
    assert.deepEqual(await titles('shawshank'.repeat(22)), []);
    const deep = await reader.get('/movies/?search=darabont&page=1000&per_page=100');
    assert.equal(deep.statusCode, 400);
    assert.match(JSON.stringify(errorBody(deep).errors), /10000/);
  });
});

describe('Search: ids past 32 bits', () => {
  // Ids are 64-bit on both databases (a copy or an import keeps the source's).
  it('When a matching movie has an id above 2^31, then the search lists it', async () => {
    const id = 3_000_000_000;
    await ctx.db
      .insertInto('movies')
      .values({
        id,
        title: 'Zyxwvut Horizon',
        title_key: 'zyxwvut horizon',
        description: '',
        trailer: '',
      })
      .execute();
    const response = await reader.get('/movies/?search=zyxwvut');
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(
      response.json<Listed[]>().map((movie) => movie.id),
      [id],
    );
  });
});
