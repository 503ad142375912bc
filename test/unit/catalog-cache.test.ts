import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import {
  CatalogCache,
  ENTRY_OVERHEAD_BYTES,
  entryCost,
} from '../../src/http/catalog-cache/cache.js';

const answer = (text: string) => ({ body: Buffer.from(text), link: undefined, etag: '"t"' });

function cacheWith(
  version: { value: number | Error },
  options: { maxBytes?: number; maxEntries?: number; maxEntryBytes?: number } = {},
) {
  return new CatalogCache({
    readVersions: async () => {
      if (version.value instanceof Error) throw version.value;
      return { movies: version.value, genres: version.value, directors: version.value };
    },
    log: pino({ level: 'silent' }),
    pollMs: 3_600_000,
    ...options,
  });
}

describe('CatalogCache', () => {
  it('When an answer was read before a clear, then it is not kept', async () => {
    const cache = cacheWith({ value: 1 });
    await cache.start();
    const generation = cache.generation;
    cache.invalidate();
    cache.store('/movies/', generation, answer('stale'));
    assert.equal(cache.get('/movies/'), undefined);
    cache.store('/movies/', cache.generation, answer('fresh'));
    assert.equal(cache.get('/movies/')?.body.toString(), 'fresh');
    cache.stop();
  });

  it('When the database version moves, then everything is dropped', async () => {
    const version = { value: 1 as number | Error };
    const cache = cacheWith(version);
    await cache.start();
    cache.store('/genres/', cache.generation, answer('x'));
    await cache.refresh();
    assert.ok(cache.get('/genres/'), 'same version: kept');
    version.value = 2;
    await cache.refresh();
    assert.equal(cache.get('/genres/'), undefined);
    cache.stop();
  });

  it('When the version cannot be read, then nothing is served or kept until it can', async () => {
    const version = { value: 1 as number | Error };
    const cache = cacheWith(version);
    await cache.start();
    cache.store('/genres/', cache.generation, answer('x'));
    version.value = new Error('database down');
    await cache.refresh();
    assert.equal(cache.get('/genres/'), undefined);
    cache.store('/genres/', cache.generation, answer('y'));
    assert.equal(cache.get('/genres/'), undefined);
    version.value = 1;
    await cache.refresh();
    cache.store('/genres/', cache.generation, answer('z'));
    assert.equal(cache.get('/genres/')?.body.toString(), 'z');
    cache.stop();
  });

  it('When the byte budget is exceeded, then the least recently used answers go first', async () => {
    const cache = cacheWith({ value: 1 }, { maxBytes: 2 * entryCost('/a', answer('aaaa')) });
    await cache.start();
    cache.store('/a', cache.generation, answer('aaaa'));
    cache.store('/b', cache.generation, answer('bbbb'));
    cache.get('/a');
    cache.store('/c', cache.generation, answer('cccc'));
    assert.ok(cache.get('/a'));
    assert.equal(cache.get('/b'), undefined);
    assert.ok(cache.get('/c'));
    cache.stop();
  });

  it('When an entry is counted, then its key, body, Link and a fixed overhead all count', () => {
    const key = '/genres/ page=2&per_page=12';
    const withLink = {
      body: Buffer.from('[1,2]'),
      link: '</genres/?page=3>; rel="next"',
      etag: '"t"',
    };
    assert.equal(
      entryCost(key, withLink),
      ENTRY_OVERHEAD_BYTES + key.length * 2 + 5 + withLink.link.length * 2,
    );
    assert.ok(ENTRY_OVERHEAD_BYTES >= 256, 'a Map slot, objects and a Buffer are not free');
  });

  it('When answers are stored, replaced and cleared, then the usage follows exactly', async () => {
    const cache = cacheWith({ value: 1 });
    await cache.start();
    cache.store('/a', cache.generation, answer('12345'));
    cache.store('/b', cache.generation, answer('x'));
    cache.store('/a', cache.generation, answer('1'));
    const expected = entryCost('/a', answer('1')) + entryCost('/b', answer('x'));
    assert.deepEqual(cache.usage, { entries: 2, bytes: expected });
    cache.invalidate();
    assert.deepEqual(cache.usage, { entries: 0, bytes: 0 });
    cache.stop();
  });

  it('When many tiny answers arrive under unique keys, then the entry count stays bounded', async () => {
    const cache = cacheWith({ value: 1 }, { maxEntries: 50 });
    await cache.start();
    for (let page = 1; page <= 500; page += 1) {
      cache.store(`/genres/ page=${page}&per_page=12`, cache.generation, answer('[]'));
    }
    assert.equal(cache.usage.entries, 50);
    assert.ok(cache.get('/genres/ page=500&per_page=12'), 'the newest is kept');
    assert.equal(cache.get('/genres/ page=1&per_page=12'), undefined, 'the oldest went first');
    cache.stop();
  });

  it('When keys are long, then they use up the byte budget like bodies do', async () => {
    const maxBytes = 64 * 1024;
    const cache = cacheWith({ value: 1 }, { maxBytes });
    await cache.start();
    for (let i = 0; i < 200; i += 1) {
      cache.store(`/movies/ q=${String(i).padStart(255, 'x')}`, cache.generation, answer('[]'));
    }
    assert.ok(cache.usage.bytes <= maxBytes);
    const perEntry = entryCost(`/movies/ q=${'x'.repeat(255)}`, answer('[]'));
    assert.equal(cache.usage.entries, Math.floor(maxBytes / perEntry));
    cache.stop();
  });

  it('When one answer is larger than an entry may be, then it is not kept', async () => {
    const cache = cacheWith({ value: 1 }, { maxEntryBytes: 2048 });
    await cache.start();
    cache.store('/big', cache.generation, answer('x'.repeat(2048)));
    assert.equal(cache.get('/big'), undefined);
    assert.deepEqual(cache.usage, { entries: 0, bytes: 0 });
    cache.stop();
  });

  it('When this instance reports the next movie version, then only answers its change touches go', async () => {
    const cache = cacheWith({ value: 1 });
    await cache.start();
    const movies = ['movies'] as const;
    const keep = (key: string, scope?: { ids: number[]; columns: string[] }) =>
      cache.store(key, cache.generationOf(movies), answer(key), movies, scope);
    keep('shows 3', { ids: [1, 3], columns: [] });
    keep('by rating', { ids: [5], columns: ['rating'] });
    keep('by year', { ids: [5], columns: ['year'] });
    keep('no scope');
    const readBefore = cache.generationOf(movies);
    cache.movieWritten({ version: 2, id: 3, columns: ['rating'] });
    assert.deepEqual(
      ['shows 3', 'by rating', 'by year', 'no scope'].map((key) => cache.get(key) !== undefined),
      [false, false, true, false],
    );
    cache.store('read before', readBefore, answer('stale?'), movies, { ids: [9], columns: [] });
    assert.equal(cache.get('read before'), undefined, 'a read begun before the change is not kept');
    cache.stop();
  });

  it('When the reported version is not the next one, then it drops nothing and the versions decide', async () => {
    const version = { value: 1 as number | Error };
    const cache = cacheWith(version);
    await cache.start();
    const scope = { ids: [5], columns: ['year'] };
    cache.store('by year', cache.generationOf(['movies']), answer('x'), ['movies'], scope);
    cache.movieWritten({ version: 3, id: 3, columns: ['year'] });
    cache.movieWritten({ version: 1, id: 3, columns: ['year'] });
    assert.ok(cache.get('by year'), 'a gap (3 after 1) or an old version changes nothing here');
    version.value = 3;
    await cache.refresh();
    assert.equal(
      cache.get('by year'),
      undefined,
      'the versions moved by two: all movie answers go',
    );
    cache.stop();
  });

  it('When answers carry the ids of the movies they show, then those ids count against the byte budget', async () => {
    const maxBytes = 256 * 1024;
    const cache = cacheWith({ value: 1 }, { maxBytes });
    await cache.start();
    const ids = Array.from({ length: 1000 }, (_, i) => i + 1);
    const scope = { ids, columns: ['rating'] };
    for (let i = 0; i < 100; i += 1) {
      cache.store(
        `/movies/ page=${i}`,
        cache.generationOf(['movies']),
        answer('[]'),
        ['movies'],
        scope,
      );
    }
    const perEntry = entryCost('/movies/ page=10', answer('[]'), scope);
    assert.ok(perEntry >= entryCost('/movies/ page=10', answer('[]')) + ids.length * 8);
    assert.ok(cache.usage.bytes <= maxBytes);
    assert.equal(cache.usage.entries, Math.floor(maxBytes / perEntry));
    cache.stop();
  });
});
