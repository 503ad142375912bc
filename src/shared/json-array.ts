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
