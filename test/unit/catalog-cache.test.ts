import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { CatalogCache } from '../../src/http/catalog-cache.js';

const answer = (text: string) => ({ body: Buffer.from(text), link: undefined });

function cacheWith(version: { value: number | Error }, options: { maxBytes?: number } = {}) {
  return new CatalogCache({
    readVersion: async () => {
      if (version.value instanceof Error) throw version.value;
      return version.value;
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
    const cache = cacheWith({ value: 1 }, { maxBytes: 10 });
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
});
