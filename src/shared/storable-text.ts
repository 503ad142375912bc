// With the u flag a surrogate range matches only halves that have no partner.
const UNPAIRED_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Why a database cannot keep this text exactly as sent, or null. PostgreSQL refuses NUL in text,
 * and UTF-8 has no form for half a surrogate pair (drivers would store U+FFFD instead).
 */
export function unstorableTextProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  return unencodableTextProblem(text);
}

/**
 * Why text has no UTF-8 form, or null: for a password, which is hashed as UTF-8 and never stored
 * as text, so NUL and other control characters are fine in it.
 */
export function unencodableTextProblem(text: string): string | null {
  return UNPAIRED_SURROGATE.test(text) ? 'must not contain unpaired surrogates' : null;
}
