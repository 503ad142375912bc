import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { CursorValue } from '../../shared/keyset-cursor.js';
import { textKeyOf } from '../../shared/text-key.js';
import type { MovieFilters, MovieOrder } from './list-filters.js';

export const NULLABLE_KEYS = new Set(['year', 'rating']);

export const COLUMN_BY_KEY = {
  id: 'movies.id',
  year: 'movies.year',
  rating: 'movies.rating',
  title: 'movies.title_key',
} as const;

type MovieExpressions = ExpressionBuilder<Database, 'movies'>;

const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (char) => `\\${char}`);
const globEscape = (text: string): string => text.replace(/[[*?]/g, (char) => `[${char}]`);

// The SQLite trigram index serves needles of three characters or more.
const TRIGRAM = 3;

/** The order is by id alone, and a keyset page starts behind this id (if any). */
export interface IdOnlyOrder {
  readonly descending: boolean;
  readonly afterId: number | undefined;
}

/** A title filter as the list compares it: a LIKE pattern, and a GLOB one the trigram index serves. */
export interface TitlePatterns {
  readonly like: string;
  readonly glob: string | undefined;
}

/** The filters of a movie list as its query compares them. */
export interface FilterValues {
  readonly directorId?: number;
  readonly genreId?: number;
  readonly year?: number;
  readonly title?: TitlePatterns;
}

export function filterValuesOf(dialect: Dialect, filters: MovieFilters): FilterValues {
  const { directorId, genreId, year, titleContains } = filters;
  const values = { directorId, genreId, year };
  if (titleContains === undefined || titleContains === '') return values;
  const needle = textKeyOf(titleContains);
  const trigram = dialect === 'sqlite' && [...needle].length >= TRIGRAM;
  return {
    ...values,
    title: {
      like: `%${likeEscape(needle)}%`,
      glob: trigram ? `*${globEscape(needle)}*` : undefined,
    },
  };
}

function titleMatch(
  title: TitlePatterns,
  onlyOrderedById: IdOnlyOrder | null,
  rowsNeeded: number,
): Expression<SqlBool> {
  const { like: pattern, glob } = title;
  const like = sql<boolean>`movies.title_key like ${pattern} escape '\\'`;
  if (glob === undefined) return like;
  if (!onlyOrderedById) {
    return sql<boolean>`movies.id in (select rowid from movies_title_fts where title_key glob ${glob}) and ${like}`;
  }
  // With no other filter or order, the index hands over ids in order and can stop early.
  const { descending, afterId } = onlyOrderedById;
  const behind =
    afterId === undefined
      ? sql``
      : descending
        ? sql`and rowid < ${afterId}`
        : sql`and rowid > ${afterId}`;
  const ids = sql`select rowid from movies_title_fts where title_key glob ${glob} ${behind}
          order by rowid ${sql.raw(descending ? 'desc' : 'asc')} limit ${rowsNeeded}`;
  return sql<boolean>`movies.id in (${ids}) and ${like}`;
}

/** The filters of a movie list as one condition, shared by the list and its count. */
export function movieFilterCondition(
  eb: MovieExpressions,
  filters: FilterValues,
  onlyOrderedById: IdOnlyOrder | null,
  rowsNeeded: number,
): Expression<SqlBool> {
  const { directorId, genreId, year, title } = filters;
  const conditions: Expression<SqlBool>[] = [];
  if (directorId !== undefined) conditions.push(eb('movies.director_id', '=', directorId));
  if (genreId !== undefined) conditions.push(eb('movies.genre_id', '=', genreId));
  if (year !== undefined) conditions.push(eb('movies.year', '=', year));
  if (title !== undefined) conditions.push(titleMatch(title, onlyOrderedById, rowsNeeded));
  return eb.and(conditions);
}

/** The order is by id alone with no filter but the title: the trigram index may stop early. */
export function idOnlyOrderOf(
  filters: FilterValues,
  order: MovieOrder,
  afterId: number | undefined,
): IdOnlyOrder | null {
  const [first] = order;
  const byIdAlone =
    order.length === 1 &&
    first?.key === 'id' &&
    [filters.directorId, filters.genreId, filters.year].every((f) => f === undefined);
  return byIdAlone ? { descending: first.descending, afterId } : null;
}

/**
 * Rows strictly behind the cursor row (value, id) in the order, as a row-value comparison the
 * composite indexes (key, id) serve as a range. Null keys (sorted last) are not included: a
 * cursor on a non-null value reads them in a second query once the non-null rows run out.
 */
export function behindCursor(
  eb: MovieExpressions,
  key: MovieOrder[number],
  value: CursorValue,
  id: number,
): Expression<SqlBool> {
  const operator = key.descending ? '<' : '>';
  if (key.key === 'id') return eb('movies.id', operator, id);
  if (value === null) {
    return eb.and([eb(COLUMN_BY_KEY[key.key], 'is', null), eb('movies.id', operator, id)]);
  }
  return eb(eb.refTuple(COLUMN_BY_KEY[key.key], 'movies.id'), operator, eb.tuple(value, id));
}
