import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonArrayHead, joinJsonArrays } from '../../src/shared/json-array.js';

const values = [{ a: 'Сияние ' }, 'x,y', [1, { b: ']' }], null, 9.9999999999999982];
const bytesOf = (value: unknown) => Buffer.from(JSON.stringify(value));
const arrayOf = (items: unknown[]) => bytesOf(items);
const lengths = values.map((value) => bytesOf(value).length);
const ownsItsMemory = (buffer: Buffer) => buffer.byteLength === buffer.buffer.byteLength;

describe('JSON arrays as bytes', () => {
  it('When the head of an array is taken, then it is those values, in memory of its own', () => {
    const array = arrayOf(values);
    for (let count = 0; count < values.length; count += 1) {
      const head = jsonArrayHead(array, lengths, count);
      assert.deepStrictEqual(JSON.parse(head.toString()), values.slice(0, count), `${count}`);
      assert.ok(ownsItsMemory(head), `${count}`);
    }
    assert.equal(jsonArrayHead(array, lengths, values.length), array, 'all of it: the array');
    assert.equal(jsonArrayHead(Buffer.from('[]'), [], 0).toString(), '[]');
  });

  it('When arrays are joined, then the values follow one another, empty arrays left out', () => {
    const cases: unknown[][][] = [
      [values.slice(0, 2), values.slice(2)],
      [[], values],
      [values, []],
      [[], []],
      [[1], [], [2, 3]],
    ];
    for (const arrays of cases) {
      const joined = joinJsonArrays(arrays.map(arrayOf));
      assert.deepStrictEqual(JSON.parse(joined.toString()), arrays.flat(), JSON.stringify(arrays));
      assert.ok(ownsItsMemory(joined));
    }
  });
});
