// The words of a search and of the text it is matched against, in one place: the SQLite index
// is fed by the function below (registered on every connection, see sqlite-connection.ts), and
// PostgreSQL's movie_search_words (migration 011) does the same steps, which a test checks
// character by character. Folding: compatibility decomposition (NFKD) with the combining marks
// U+0300–U+036F removed, so ё is е, й is и, ά is α and ﬁ is fi; then lower case, with final ς
// read as σ. A word is a run of the letters and digits below; anything else separates words.
// Changing any of this needs a migration that indexes the catalog again.

/**
 * Letters and digits a word is made of, after folding: Latin, Greek, Cyrillic (the letters of
 * those blocks, without their symbols, punctuation and unassigned code points), digits.
 */
export const WORD_CHARACTERS =
  '0-9a-z\\u00df-\\u00f6\\u00f8-\\u024f\\u0386\\u0388-\\u038a\\u038c\\u038e-\\u03a1\\u03a3-\\u03f5\\u03f7-\\u0481\\u048a-\\u04ff';

const SEPARATORS = new RegExp(`[^${WORD_CHARACTERS}]+`, 'u');
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const FINAL_SIGMA = /ς/g;

/** Words of 5 letters or more may match with one typo. */
export const TYPO_MIN_LENGTH = 5;
/** Longer words match exactly or as a prefix only: their typo variants would be thousands. */
export const TYPO_MAX_LENGTH = 32;
/** Typo variants a search looks up, all its words together; words past it match without typos. */
export const MAX_TYPO_VARIANTS = 8_000;
/** Distinct words a search may hold. */
export const MAX_SEARCH_WORDS = 10;
/** Longer words are not indexed: PostgreSQL's tsvector holds words of at most 2046 bytes. */
export const INDEX_WORD_MAX_BYTES = 2046;

/** The SQL function, on every SQLite connection, that gives a text's index words. */
export const SEARCH_WORDS_FUNCTION = 'search_words';

export const foldText = (text: string): string =>
  text.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase().replace(FINAL_SIGMA, 'σ');

/** The distinct words of a search text, in the order typed. */
export function searchWordsOf(text: string): string[] {
  return [...new Set(foldText(text).split(SEPARATORS))].filter((word) => word !== '');
}

/** The words a text is indexed by, separated by spaces (null for null). */
export function indexWordsOf(text: string | null): string | null {
  if (text === null) return null;
  return searchWordsOf(text)
    .filter((word) => Buffer.byteLength(word) <= INDEX_WORD_MAX_BYTES)
    .join(' ');
}

// Letters a typo may put in: those of the scripts the word is written in (after folding: no ё,
// no й), and the word's own letters. A Cyrillic word gets no Latin letters and a number no
// letters: each letter more is two look-ups per position.
const SCRIPTS = [
  { test: /[a-z]/, letters: [...'abcdefghijklmnopqrstuvwxyz'] },
  { test: /[а-я]/, letters: [...'абвгдежзиклмнопрстуфхцчшщъыьэюя'] },
  { test: /[0-9]/, letters: [...'0123456789'] },
];

/**
 * Every word one typo away: a letter deleted, inserted, replaced, or two neighbours swapped.
 * About 64 per letter for a Cyrillic word, 20 for a number.
 */
export function oneTypoVariants(word: string): string[] {
  const letters = [...word];
  const scripts = SCRIPTS.filter((script) => script.test.test(word)).flatMap((s) => s.letters);
  const alphabet = [...new Set([...scripts, ...letters])];
  const variants = new Set<string>();
  const join = (parts: string[]) => parts.join('');
  for (let i = 0; i <= letters.length; i += 1) {
    const before = letters.slice(0, i);
    const after = letters.slice(i);
    for (const letter of alphabet) variants.add(join([...before, letter, ...after]));
    if (i < letters.length) {
      variants.add(join([...before, ...letters.slice(i + 1)]));
      for (const letter of alphabet)
        variants.add(join([...before, letter, ...letters.slice(i + 1)]));
    }
    if (i + 1 < letters.length) {
      variants.add(
        join([...before, letters[i + 1] ?? '', letters[i] ?? '', ...letters.slice(i + 2)]),
      );
    }
  }
  variants.delete(word);
  return [...variants];
}
