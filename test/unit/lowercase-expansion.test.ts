import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

// Migration 2026_11_27_006 sizes every *_key column at twice its source on this fact.
describe('toLowerCase() growth', () => {
  it('When every code point is lower-cased, then none grows beyond two code points, and only İ grows', () => {
    const growing: string[] = [];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const lower = [...String.fromCodePoint(codePoint).toLowerCase()].length;
      assert.ok(lower <= 2, `U+${codePoint.toString(16)} lower-cases to ${lower} code points`);
      if (lower > 1) growing.push(codePoint.toString(16));
    }
    assert.deepEqual(growing, ['130']);
  });
});
