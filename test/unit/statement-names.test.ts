import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameStatement, statementNameOf } from '../../src/db/statement-names.js';

describe('Statement names', () => {
  it('When a client makes the API compile endless query shapes, then at most 64 get a name', () => {
    const texts = Array.from({ length: 1000 }, (_, i) => `select ${i} from movies`);
    for (const text of texts) nameStatement(text);
    const names = texts.map(statementNameOf).filter((name) => name !== undefined);
    assert.equal(names.length, 64);
    assert.equal(new Set(names).size, 64);
    // A named statement keeps its name; a later one stays unnamed.
    nameStatement(texts[0] ?? '');
    assert.equal(statementNameOf(texts[0] ?? ''), names[0]);
    assert.equal(statementNameOf(texts[999] ?? ''), undefined);
  });
});
