import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { parseCatalogChange } from '../../src/db/catalog-listener.js';
import { CatalogCache } from '../../src/http/catalog-cache/cache.js';
import type { CatalogResource } from '../../src/shared/catalog-resources.js';

const MOVIE_SOURCES: CatalogResource[] = ['movies', 'genres', 'directors'];
const answer = (text: string) => ({ body: Buffer.from(text), link: undefined, etag: '"t"' });

function cacheOver(versions: { movies: number; genres: number; directors: number }) {
  const reads = { count: 0 };
  const cache = new CatalogCache({
    readVersions: async () => {
      reads.count += 1;
      return { ...versions };
    },
    log: pino({ level: 'silent' }),
    pollMs: 500,
    listeningPollMs: 60_000,
  });
  return { cache, reads };
}

async function filled(versions = { movies: 1, genres: 1, directors: 1 }) {
  const { cache } = cacheOver(versions);
  await cache.start();
  cache.store('/movies/ 1', cache.generationOf(MOVIE_SOURCES), answer('m'), MOVIE_SOURCES);
  cache.store('/genres/', cache.generationOf(['genres']), answer('g'), ['genres']);
  cache.store('/directors/', cache.generationOf(['directors']), answer('d'), ['directors']);
  return cache;
}

const kept = (cache: CatalogCache) =>
  ['/movies/ 1', '/genres/', '/directors/'].filter((key) => cache.get(key) !== undefined);

describe('CatalogCache by resource', () => {
  it('When movies are written, then only movie answers are dropped', async () => {
    const cache = await filled();
    cache.invalidate('movies');
    assert.deepEqual(kept(cache), ['/genres/', '/directors/']);
    cache.stop();
  });

  it('When a genre or a director is written, then its answers and every movie answer go', async () => {
    const cache = await filled();
    cache.invalidate('genres');
    assert.deepEqual(kept(cache), ['/directors/']);
    cache.stop();
    const other = await filled();
    other.invalidate('directors');
    assert.deepEqual(kept(other), ['/genres/']);
    other.stop();
  });

  it('When a write lands while a read is under way, then the answer is kept only if it does not depend on it', async () => {
    const cache = await filled();
    const movieRead = cache.generationOf(MOVIE_SOURCES);
    const genreRead = cache.generationOf(['genres']);
    cache.invalidate('movies');
    cache.store('/movies/ 2', movieRead, answer('stale'), MOVIE_SOURCES);
    cache.store('/genres/ page=2', genreRead, answer('fine'), ['genres']);
    assert.equal(cache.get('/movies/ 2'), undefined);
    assert.equal(cache.get('/genres/ page=2')?.body.toString(), 'fine');
    const movieReadAgain = cache.generationOf(MOVIE_SOURCES);
    cache.invalidate('directors');
    cache.store('/movies/ 3', movieReadAgain, answer('stale'), MOVIE_SOURCES);
    assert.equal(cache.get('/movies/ 3'), undefined, 'a director rename is in movie answers');
    cache.stop();
  });

  it('When notifications arrive out of order, then an older version never hides a newer write', async () => {
    const cache = await filled({ movies: 5, genres: 5, directors: 5 });
    cache.versionCommitted('movies', 4);
    cache.versionCommitted('genres', 5);
    assert.equal(kept(cache).length, 3, 'news already seen drops nothing');
    cache.versionCommitted('movies', 7);
    assert.deepEqual(kept(cache), ['/genres/', '/directors/']);
    cache.store('/movies/ 1', cache.generationOf(MOVIE_SOURCES), answer('m7'), MOVIE_SOURCES);
    cache.versionCommitted('movies', 6);
    assert.equal(cache.get('/movies/ 1')?.body.toString(), 'm7', 'version 6 is older than 7');
    cache.versionCommitted('movies', 8);
    assert.equal(cache.get('/movies/ 1'), undefined);
    cache.stop();
  });

  it('When the poll reads a version that differs either way, then that table’s answers go', async () => {
    const versions = { movies: 5, genres: 5, directors: 5 };
    const { cache } = cacheOver(versions);
    await cache.start();
    cache.store('/genres/', cache.generationOf(['genres']), answer('g'), ['genres']);
    cache.store('/directors/', cache.generationOf(['directors']), answer('d'), ['directors']);
    versions.genres = 2;
    await cache.refresh();
    assert.equal(cache.get('/genres/'), undefined, 'a restored database counts from lower');
    assert.ok(cache.get('/directors/'));
    cache.stop();
  });

  it('When a version read is overtaken by a later one, then its older news is not applied', async () => {
    const answers: ((versions: { movies: number; genres: number; directors: number }) => void)[] =
      [];
    const cache = new CatalogCache({
      readVersions: () => new Promise((resolve) => answers.push(resolve)),
      log: pino({ level: 'silent' }),
      pollMs: 3_600_000,
    });
    const started = cache.start();
    answers[0]?.({ movies: 1, genres: 1, directors: 1 });
    await started;
    cache.store('/genres/', cache.generationOf(['genres']), answer('g'), ['genres']);
    const older = cache.refresh();
    const newer = cache.refresh();
    answers[2]?.({ movies: 2, genres: 1, directors: 1 });
    await newer;
    answers[1]?.({ movies: 1, genres: 0, directors: 1 });
    await older;
    assert.ok(cache.get('/genres/'), 'the older read is not taken for a restored database');
    cache.store('/movies/ 1', cache.generationOf(MOVIE_SOURCES), answer('m2'), MOVIE_SOURCES);
    const again = cache.refresh();
    answers[3]?.({ movies: 2, genres: 1, directors: 1 });
    await again;
    assert.ok(cache.get('/movies/ 1'), 'version 2 is already known');
    cache.stop();
  });

  it('When notifications arrive, then the poll slows down; when they stop, it is back at once', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { cache, reads } = cacheOver({ movies: 1, genres: 1, directors: 1 });
    await cache.start();
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    const readsAfter = async (ms: number) => {
      const before = reads.count;
      t.mock.timers.tick(ms);
      await settle();
      return reads.count - before;
    };
    assert.equal(await readsAfter(500), 1, 'not listening: every 500 ms');
    cache.setListening(true);
    await settle();
    assert.equal(reads.count, 3, 'listening begins with a read of what was missed');
    assert.equal(await readsAfter(5_000), 0, 'listening: no read within 5 s');
    assert.equal(await readsAfter(55_000), 1, 'listening: one read a minute');
    const beforeLoss = reads.count;
    cache.setListening(false);
    await settle();
    assert.equal(reads.count, beforeLoss + 1, 'losing the listener reads at once');
    assert.equal(await readsAfter(500), 1, 'and every 500 ms again');
    cache.stop();
  });
});

describe('Catalog change notifications', () => {
  it('When a payload is read, then schema, table and version come out, and anything else is ignored', () => {
    assert.deepEqual(parseCatalogChange('public movies 12'), {
      schema: 'public',
      resource: 'movies',
      version: 12,
    });
    assert.equal(parseCatalogChange('my schema genres 3')?.schema, 'my schema');
    for (const junk of [
      'public users 3',
      'public movies x',
      'public movies ',
      'public movies 1e3',
      'movies 3',
      ' movies 3',
      '',
      'a b c',
    ]) {
      assert.equal(parseCatalogChange(junk), null, junk);
    }
  });
});
