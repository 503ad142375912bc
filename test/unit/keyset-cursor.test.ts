import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/errors.js';
import {
  decodeCursor,
  decodeIdCursor,
  encodeCursor,
  idCursorOf,
  type CursorKey,
} from '../../src/shared/keyset-cursor.js';

const BEST_FIRST: CursorKey[] = [
  { name: '-rating', kind: 'number-or-null' },
  { name: '-id', kind: 'id' },
];

const refusal = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof AppError);
    assert.equal(error.statusCode, 400);
    return error.errors?.after;
  }
  return undefined;
};

describe('keyset cursor', () => {
  it('When encoded and decoded, then the values come back exactly, floats and nulls included', () => {
    for (const values of [
      [0.1 + 0.2, 7],
      [null, 3],
      [10, Number.MAX_SAFE_INTEGER],
    ]) {
      const token = encodeCursor(BEST_FIRST, values);
      assert.match(token, /^[A-Za-z0-9_-]+$/);
      assert.deepEqual(decodeCursor(token, BEST_FIRST), values);
    }
    assert.equal(decodeIdCursor(idCursorOf({ id: 42 })), 42);
    assert.equal(decodeIdCursor(undefined), undefined);
  });

  it('When a cursor is of another order or altered, then a 400 naming after', () => {
    const token = encodeCursor(BEST_FIRST, [7.5, 3]);
    const titles: CursorKey[] = [
      { name: 'title', kind: 'text' },
      { name: 'id', kind: 'id' },
    ];
    assert.match(String(refusal(() => decodeCursor(token, titles))), /another sort/);
    assert.ok(refusal(() => decodeCursor(`${token}A`, BEST_FIRST)));
    assert.ok(refusal(() => decodeCursor(token.slice(0, -2), BEST_FIRST)));
    const padded = Buffer.from(JSON.stringify({ o: '-rating,-id', k: [7.5, 3] })).toString(
      'base64',
    );
    assert.ok(refusal(() => decodeCursor(`${padded}==`, BEST_FIRST)));
    const spaced = Buffer.from('{"o":"-rating,-id", "k":[7.5,3]}').toString('base64url');
    assert.ok(
      refusal(() => decodeCursor(spaced, BEST_FIRST)),
      'only our exact spelling',
    );
    assert.equal(
      refusal(() => decodeCursor(token, BEST_FIRST)),
      undefined,
    );
  });
});
