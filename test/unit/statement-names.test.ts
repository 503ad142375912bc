import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameStatement, statementNameOf } from '../../src/db/statement-names.js';

describe('Statement names', () => {
  // The names are kept per process: the searches spend their budget first, then the lists.
  it('When searches compile endless shapes, then at most 32 get a name, all of the search kind', () => {
    const searches = Array.from({ length: 100 }, (_, i) => `select ${i} from movie_search`);
    for (const text of searches) nameStatement(text, 'search');
    const named = searches.map(statementNameOf).filter((name) => name !== undefined);
    assert.equal(named.length, 32);
    assert.equal(new Set(named).size, 32);
    assert.ok(named.every((name) => name.startsWith('movie_search_')));
  });

  it('When a client makes the API compile endless query shapes, then at most 64 get a name', () => {
    const texts = Array.from({ length: 1000 }, (_, i) => `select ${i} from movies`);
    for (const text of texts) nameStatement(text);
    const names = texts.map(statementNameOf).filter((name) => name !== undefined);
    // All 64: the searches' 32 names came from a budget of their own.
    assert.equal(names.length, 64);
    assert.equal(new Set(names).size, 64);
    // A named statement keeps its name; a later one stays unnamed.
    nameStatement(texts[0] ?? '');
    assert.equal(statementNameOf(texts[0] ?? ''), names[0]);
    assert.equal(statementNameOf(texts[999] ?? ''), undefined);
  });
});
