import { validationError, type AppError } from '../errors.js';
import { isValidId } from './limits.js';
import { unstorableTextProblem } from './storable-text.js';

/** One sort key value of the last row of a page: a number, a lower-cased text key, or null. */
export type CursorValue = number | string | null;

/** What a value of one sort key may be; a cursor holding anything else is refused. */
export type CursorValueKind = 'id' | 'integer-or-null' | 'number-or-null' | 'text';

export interface CursorKey {
  /** The sort key's name as the order spells it, `-` first when descending. */
  readonly name: string;
  readonly kind: CursorValueKind;
}

const INT32 = 2 ** 31;
const MAX_TEXT_LENGTH = 1024;
export const MAX_CURSOR_LENGTH = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const refused = (why: string): AppError => validationError({ after: why });

/** The order a cursor belongs to, e.g. `-rating,-id`: a cursor of another order is refused. */
export const orderTagOf = (keys: readonly CursorKey[]): string =>
  keys.map((key) => key.name).join(',');

/** base64url of `{"o": order, "k": [sort key values…, id]}`: opaque to clients, not a secret. */
export function encodeCursor(keys: readonly CursorKey[], values: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify({ o: orderTagOf(keys), k: values })).toString('base64url');
}

function isValid(kind: CursorValueKind, value: unknown): boolean {
  switch (kind) {
    case 'id':
      return isValidId(value);
    case 'integer-or-null':
      return value === null || (Number.isInteger(value) && Math.abs(value as number) < INT32);
    case 'number-or-null':
      return value === null || (typeof value === 'number' && Number.isFinite(value));
    case 'text':
      return (
        typeof value === 'string' &&
        value.length <= MAX_TEXT_LENGTH &&
        unstorableTextProblem(value) === null
      );
  }
}

function parse(token: string): unknown {
  if (token.length > MAX_CURSOR_LENGTH || !BASE64URL.test(token)) return undefined;
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The sort key values a cursor holds, checked against the order of this request: a cursor that
 * is not one we wrote (malformed, altered, or made for another sort) is a 400, never a query.
 */
export function decodeCursor(token: string, keys: readonly CursorKey[]): CursorValue[] {
  const decoded = parse(token);
  if (typeof decoded !== 'object' || decoded === null || !('o' in decoded) || !('k' in decoded)) {
    throw refused('is not a cursor this service wrote');
  }
  if (decoded.o !== orderTagOf(keys)) {
    throw refused('belongs to another sort order; follow the Link of this order');
  }
  const values = decoded.k;
  if (
    !Array.isArray(values) ||
    values.length !== keys.length ||
    !keys.every((key, i) => isValid(key.kind, values[i]))
  ) {
    throw refused('is not a cursor this service wrote');
  }
  const checked = values as CursorValue[];
  // Only the exact spelling we write: no padding, no other key order, no extra fields.
  if (encodeCursor(keys, checked) !== token) throw refused('is not a cursor this service wrote');
  return checked;
}

/** Lists in id order (genres, directors, users): the cursor holds the last id. */
const ID_ORDER: readonly CursorKey[] = [{ name: 'id', kind: 'id' }];

export function decodeIdCursor(token: string | undefined): number | undefined {
  if (token === undefined) return undefined;
  const [id] = decodeCursor(token, ID_ORDER);
  return id as number;
}

export const idCursorOf = (last: { readonly id: number }): string =>
  encodeCursor(ID_ORDER, [last.id]);

/** A page of a list in id order, as its repository reads it. */
export interface IdPageWindow {
  readonly offset: number;
  readonly limit: number;
  /** Rows with a larger id than this one, instead of the offset. */
  readonly afterId: number | undefined;
}
