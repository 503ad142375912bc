const OPEN = 0x5b; // [
const SEPARATOR = 0x2c; // ,
const CLOSE = 0x5d; // ]

/**
 * JSON values, each as UTF-8 bytes, joined into the bytes of one JSON array. The result has
 * memory of its own (a small Buffer.concat can be a slice of a shared pool slab, which anything
 * keeping the array, such as a response cache, would pin).
 */
export function jsonArrayOf(values: readonly Uint8Array[]): Buffer {
  let length = 2 + Math.max(0, values.length - 1);
  for (const value of values) length += value.length;
  const array = Buffer.allocUnsafeSlow(length);
  array[0] = OPEN;
  let at = 1;
  values.forEach((value, index) => {
    if (index > 0) array[at++] = SEPARATOR;
    array.set(value, at);
    at += value.length;
  });
  array[at] = CLOSE;
  return array;
}

// The bytes between the brackets: empty for [].
const inside = (array: Buffer): Buffer => array.subarray(1, array.length - 1);

/** JSON arrays (as UTF-8 bytes) joined into one. */
export function joinJsonArrays(arrays: readonly Buffer[]): Buffer {
  return jsonArrayOf(arrays.map(inside).filter((values) => values.length > 0));
}

/**
 * The first `count` values of a JSON array whose values are `lengths` bytes long, in order, as
 * an array of its own; the array itself when that is all of it.
 */
export function jsonArrayHead(array: Buffer, lengths: readonly number[], count: number): Buffer {
  if (count >= lengths.length) return array;
  let end = 1 + Math.max(0, count - 1);
  for (let index = 0; index < count; index += 1) end += lengths[index] ?? 0;
  return jsonArrayOf(count === 0 ? [] : [array.subarray(1, end)]);
}
