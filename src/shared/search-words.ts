// The words of a search as both databases index them. The triggers of migration 010 fold the
// indexed text the same way: accents off (NFKD, combining marks U+0300–U+036F removed, so ё is е
// and й is и), lower case; a word is a run of the letters and digits below, anything else
// separates words.

/** Letters and digits a word is made of, after folding: Latin, Greek, Cyrillic, digits. */
export const WORD_CHARACTERS =
  '0-9a-z\\u00df-\\u00f6\\u00f8-\\u00ff\\u0100-\\u024f\\u0386-\\u03ff\\u0400-\\u0481\\u048a-\\u04ff';

const SEPARATORS = new RegExp(`[^${WORD_CHARACTERS}]+`, 'u');
const COMBINING_MARKS = /[\u0300-\u036f]/g;

/** Words of 5 letters or more may match with one typo. */
export const TYPO_MIN_LENGTH = 5;
/** Longer words match exactly or as a prefix only: their typo variants would be thousands. */
export const TYPO_MAX_LENGTH = 32;
/** Distinct words a search may hold. */
export const MAX_SEARCH_WORDS = 10;

export const foldText = (text: string): string =>
  text.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase();

/** The distinct words of a search text, in the order typed. */
export function searchWordsOf(text: string): string[] {
  return [...new Set(foldText(text).split(SEPARATORS))].filter((word) => word !== '');
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
