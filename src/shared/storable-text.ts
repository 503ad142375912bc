// With the u flag a surrogate range matches only halves that have no partner.
const UNPAIRED_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Why a database cannot keep this text exactly as sent, or null. PostgreSQL refuses NUL in text,
 * and UTF-8 has no form for half a surrogate pair (drivers would store U+FFFD instead).
 */
export function unstorableTextProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (UNPAIRED_SURROGATE.test(text)) return 'must not contain unpaired surrogates';
  return null;
}
