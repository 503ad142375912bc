import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { executeNamed } from '../../db/statement-names.js';
import {
  MAX_TYPO_VARIANTS,
  oneTypoVariants,
  TYPO_MAX_LENGTH,
  TYPO_MIN_LENGTH,
} from '../../shared/search-words.js';

// A search as the search index answers it (migrations 010 and 011: FTS5 on SQLite, a tsvector
// with GIN on PostgreSQL). Each word of a search matches a movie in one of nine classes, best first:
//
//   0 title, exact    1 title, prefix    2 title, typo
//   3 people, exact   4 people, prefix   5 people, typo     (people: the director's and genre's names)
//   6 description, …  7 …                8 …
//
// A movie's class is the worst of its words' best classes: tier c holds the movies whose every
// word matches at class c or better, less those of the tiers before. Relevance order is by tier,
// then id.

/**
 * The fields of the index, in rank order: FTS5 columns, and the letter before each word of a
 * tsvector (migration 012: 'tкубрик' is "кубрик" in a title).
 */
const FIELDS = [
  { column: 'title', tag: 't' },
  { column: 'people', tag: 'p' },
  { column: 'description', tag: 'd' },
] as const;

const KINDS = 3;
export const CLASSES = FIELDS.length * KINDS;

/** One term of the index a word may match: exactly, or as the prefix of indexed words. */
interface Atom {
  readonly field: number;
  readonly term: string;
  readonly prefix: boolean;
}

/** A word as the index may match it: its typo variants present in the index. */
interface ResolvedWord {
  readonly word: string;
  /**
   * The word's prefix atom: a prefix while longer indexed words begin with it, else the word
   * exactly. An index reads a prefix by merging the lists of every word it begins, all of them
   * before the first row ("фильм*" at 1M movies: 25 ms, where "фильм" stops at its limit).
   */
  readonly begins: { readonly term: string; readonly prefix: boolean };
  readonly typos: readonly string[];
}

/**
 * A tier of the search: the class it ranks at, and its condition in the index's syntax: every
 * movie of class `rank` or better (the reader leaves out those of the tiers before).
 */
export interface SearchTier {
  readonly rank: number;
  readonly condition: string;
}

/** The search as index conditions: one for each tier that can hold movies, and one for all. */
export interface SearchPlan {
  /** Conditions in rank order (FTS5 query syntax, or tsquery), empty tiers left out. */
  readonly tiers: readonly SearchTier[];
  /** Every movie the search matches, whatever its class. */
  readonly all: string;
  /**
   * The same movies as `all`, each word's terms asked of every field at once: FTS5 reads a
   * word's list once instead of once a field (two frequent words that never meet at 1M movies:
   * 3 ms against 10).
   */
  readonly anywhere: string;
}

/** Classes below this need no typo variants, so no look-up in the vocabulary. */
export const FIRST_TYPO_CLASS = KINDS - 1;

/** The atoms a word matches at class c or better (a prefix atom covers its exact one). */
function atomsUpTo(word: ResolvedWord, c: number): Atom[] {
  const atoms: Atom[] = [];
  for (let field = 0; field < FIELDS.length; field += 1) {
    const best = field * KINDS;
    if (best > c) break;
    const kinds = c - best + 1; // kinds of this field within class c: 1, 2 or 3
    atoms.push(kinds >= 2 ? { field, ...word.begins } : { field, term: word.word, prefix: false });
    if (kinds >= 3) for (const term of word.typos) atoms.push({ field, term, prefix: false });
  }
  return atoms;
}

interface Syntax {
  atom(atom: Atom): string;
  /** A term in any field; none in a tsvector, whose words carry their field. */
  anywhere?(term: string, prefix: boolean): string;
  or(parts: string[]): string;
  and(parts: string[]): string;
}

// Terms hold letters and digits only (search-words.ts), so quoting them needs no escapes.
const FTS5: Syntax = {
  atom: ({ field, term, prefix }) => `{${FIELDS[field]?.column}} : "${term}"${prefix ? ' *' : ''}`,
  anywhere: (term, prefix) => `"${term}"${prefix ? ' *' : ''}`,
  or: (parts) => `(${parts.join(' OR ')})`,
  and: (parts) => `(${parts.join(' AND ')})`,
};

const TSQUERY: Syntax = {
  atom: ({ field, term, prefix }) => `'${FIELDS[field]?.tag}${term}'${prefix ? ':*' : ''}`,
  or: (parts) => `(${parts.join(' | ')})`,
  and: (parts) => `(${parts.join(' & ')})`,
};

/** The plan of resolved words in one syntax: a tier only where some word gains atoms. */
export function planOf(words: readonly ResolvedWord[], dialect: Dialect): SearchPlan {
  const syntax = dialect === 'sqlite' ? FTS5 : TSQUERY;
  const upTo = (c: number) =>
    syntax.and(words.map((word) => syntax.or(atomsUpTo(word, c).map(syntax.atom))));
  const tiers: SearchTier[] = [];
  // A class where no word gains an atom holds no movie the classes before it do not.
  for (let rank = 0; rank < CLASSES; rank += 1) {
    const condition = upTo(rank);
    if (rank === 0 || condition !== upTo(rank - 1)) tiers.push({ rank, condition });
  }
  const all = upTo(CLASSES - 1);
  const { anywhere } = syntax;
  if (anywhere === undefined) return { tiers, all, anywhere: all };
  // At the last class a word matches its prefix atom or a typo, in any field.
  const terms = (word: ResolvedWord) => [
    anywhere(word.begins.term, word.begins.prefix),
    ...word.typos.map((typo) => anywhere(typo, false)),
  ];
  return { tiers, all, anywhere: syntax.and(words.map((word) => syntax.or(terms(word)))) };
}

// Above every character: a word's prefix range ends before word + this (UTF-8 and code point
// order alike, as SQLite and PostgreSQL's "C" collation compare).
const DIGIT = /[0-9]/;

const AFTER_ALL = '\u{10ffff}';

/**
 * What each word's prefix stands for: the word alone when no longer indexed word begins with it,
 * else a prefix. Only longer words are looked up. On SQLite the words are read by instance
 * (migration 013): the first instance of the first longer word ends the look-up, where the
 * vocabulary's rows count a word's whole list first ("вет", a word in 83,333 movies at 1M:
 * 0.015 ms against 1.4).
 */
async function prefixesOf(
  db: Kysely<Database>,
  dialect: Dialect,
  words: readonly string[],
): Promise<ResolvedWord[]> {
  return Promise.all(
    words.map(async (word) => {
      // fts5vocab reads "> word" as ">= word"; no indexed word holds a NUL, so ">= word + NUL"
      // starts just behind it.
      const { rows } = await executeNamed(
        db,
        dialect === 'sqlite'
          ? sql<{ term: string }>`select term from movie_search_instances
              where term >= ${`${word}\u0000`} and term < ${word + AFTER_ALL} limit 1`
          : sql<{ term: string }>`select term from movie_search_vocabulary
              where term > ${word} and term < ${word + AFTER_ALL} limit 1`,
        'search',
      );
      return { word, begins: { term: word, prefix: rows.length > 0 }, typos: [] };
    }),
  );
}

/** The typo variants of each word that are words of the index. */
async function withTypos(
  db: Kysely<Database>,
  dialect: Dialect,
  resolved: readonly ResolvedWord[],
): Promise<ResolvedWord[]> {
  const variants = new Map<string, string[]>();
  let budget = MAX_TYPO_VARIANTS;
  for (const { word } of resolved) {
    // Letters, as the contract counts them: a number has none, and gets no typos (12345 is
    // another film's number, not a typo of 12346).
    const letters = [...word].filter((char) => !DIGIT.test(char)).length;
    if (letters < TYPO_MIN_LENGTH || [...word].length > TYPO_MAX_LENGTH) continue;
    // Words in the order typed, while the search's variants fit the budget: ten long words
    // mixing two scripts would be some 40,000 look-ups.
    const typos = oneTypoVariants(word);
    if (typos.length > budget) break;
    budget -= typos.length;
    variants.set(word, typos);
  }
  const asked = [...new Set([...variants.values()].flat())];
  let found = new Set<string>();
  if (asked.length > 0) {
    const { rows } =
      dialect === 'sqlite'
        ? // By instance: one movie of a variant tells it is a word (variants of "ветир" at 1M
          // movies: 0.45 ms; the vocabulary's rows counted all of "ветер"'s movies: 1.8 ms).
          await sql<{ term: string }>`select value as term from json_each(${JSON.stringify(asked)})
            where exists (select 1 from movie_search_instances where term = value)`.execute(db)
        : await executeNamed(
            db,
            sql<{ term: string }>`select term from movie_search_vocabulary
              where term = any(${asked}::text[])`,
            'search',
          );
    found = new Set(rows.map((row) => row.term));
  }
  return resolved.map((word) => ({
    ...word,
    typos: (variants.get(word.word) ?? []).filter((variant) => found.has(variant)).sort(),
  }));
}

/**
 * A search's plan, made as far as it is needed: the tiers before the first typo class need no
 * look-up of typo variants, and a first page they fill is answered without one.
 */
export class Search {
  private prefixes: Promise<ResolvedWord[]> | undefined;
  private resolved: Promise<SearchPlan> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    readonly words: readonly string[],
  ) {}

  private withPrefixes(): Promise<ResolvedWord[]> {
    this.prefixes ??= prefixesOf(this.db, this.dialect, this.words);
    return this.prefixes;
  }

  /** The tiers before the first typo class, as the full plan has them. */
  async earlyTiers(): Promise<readonly SearchTier[]> {
    const { tiers } = planOf(await this.withPrefixes(), this.dialect);
    return tiers.filter((tier) => tier.rank < FIRST_TYPO_CLASS);
  }

  plan(): Promise<SearchPlan> {
    this.resolved ??= this.withPrefixes()
      .then((words) => withTypos(this.db, this.dialect, words))
      .then((words) => planOf(words, this.dialect));
    return this.resolved;
  }
}

/** Movies matching an index condition, as a condition on movies.id (lists in another order). */
export function searchMatchCondition(dialect: Dialect, match: string): Expression<SqlBool> {
  return dialect === 'sqlite'
    ? sql<SqlBool>`movies.id in (select rowid from movie_search where movie_search match +${match})`
    : sql<SqlBool>`movies.id in (select movie_id from movie_search where document @@ ${match}::tsquery)`;
}
