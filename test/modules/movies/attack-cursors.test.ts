// Forged keyset cursors and count requests, many at once, against a real server process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestDatabase } from '../../helpers.js';
import { call, countStatuses, productionSettings, stopServers } from '../../http-client.js';
import { linksOf } from '../../links.js';
import { startServer, tempDatabase, type RunningServer } from '../../process.js';

const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

// A deterministic spread of cursors that are not ours: wrong types, out of range, text the
// database cannot store, other orders, raw bytes, junk JSON.
function forgedCursors(): string[] {
  const hostileValues: unknown[] = [
    -1,
    0,
    2 ** 63,
    1e308,
    -1e308,
    '1',
    'x\u0000y',
    '\udfff',
    'a'.repeat(5000),
    [],
    {},
    true,
    null,
  ];
  const orders = ['id', '-id', 'year,id', '-rating,-id', 'title,id', '-title,-id', 'nope'];
  const cursors = orders.flatMap((o) =>
    hostileValues.flatMap((value) => [
      token({ o, k: [value] }),
      token({ o, k: [value, 1] }),
      token({ o, k: [1, value] }),
    ]),
  );
  for (let seed = 1; seed <= 60; seed += 1) {
    const bytes = Array.from({ length: (seed % 40) + 1 }, (_, i) => (seed * 131 + i * 17) % 256);
    cursors.push(Buffer.from(bytes).toString('base64url'));
  }
  cursors.push(token('{"o":"id"'), token([1, 2]), token({ o: 'id', k: [1], x: 1 }));
  return cursors;
}

const SORTS = ['', '&sort=year', '&sort=-rating', '&sort=title', '&status=new'];

describe('Attack: forged cursors and counts against a real server', () => {
  let database: TestDatabase;
  let server: RunningServer;

  before(async () => {
    database = await tempDatabase();
    server = await startServer(productionSettings(database.url, { CATALOG_READ: 'public' }));
  });
  after(async () => {
    await stopServers(server);
    await database.drop();
  });

  it('When hundreds of forged cursors arrive at once, then none is a 500', async (t) => {
    const cursors = forgedCursors();
    const answers = await Promise.all(
      cursors.map((cursor, i) =>
        call(server, 'GET', `/movies/?per_page=3${SORTS[i % SORTS.length]}&after=${cursor}`),
      ),
    );
    // A forged cursor of the right order and well-typed values (a rating of 1e308) is only a
    // position to start from: 200. Everything else is a 400 naming after; nothing is a 500.
    const statuses = countStatuses(answers);
    t.diagnostic(`statuses: ${JSON.stringify(statuses)}`);
    assert.deepEqual(Object.keys(statuses).sort(), ['200', '400'], JSON.stringify(statuses));
    assert.ok((statuses[400] ?? 0) > cursors.length * 0.9, JSON.stringify(statuses));
    for (const answer of answers.filter(({ status }) => status === 400)) {
      assert.equal(answer.body.code, 'validation_error');
      assert.ok((answer.body.errors as Record<string, string> | undefined)?.after);
    }
    const genres = await Promise.all(
      cursors.slice(0, 50).map((cursor) => call(server, 'GET', `/genres/?after=${cursor}`)),
    );
    assert.deepEqual(countStatuses(genres), { 400: 50 });
  });

  it('When many clients walk and count at once, then every walk is complete and every count right', async () => {
    const walk = async (start: string) => {
      const seen: number[] = [];
      let next: string | undefined = start;
      while (next !== undefined) {
        const response = await fetch(`${server.baseUrl}${next}`, {
          headers: { prefer: 'count=exact' },
        });
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('x-total-count'), '20');
        const movies = (await response.json()) as { id: number }[];
        seen.push(...movies.map((movie) => movie.id));
        next = linksOf(response.headers.get('link')).next;
      }
      return seen;
    };
    const walks = await Promise.all(
      Array.from({ length: 24 }, (_, i) => walk(`/movies/?per_page=${(i % 4) + 1}${SORTS[i % 5]}`)),
    );
    for (const seen of walks)
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        range(1, 20),
      );
    assert.equal((await call(server, 'GET', '/health')).status, 200);
  });
});

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
