import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { CatalogResource } from '../../shared/catalog-resources.js';

type JsonFields = readonly (readonly [key: string, value: RawBuilder<unknown>])[];

function jsonObject(dialect: Dialect, fields: JsonFields): RawBuilder<unknown> {
  // json_build_object, not jsonb: jsonb would reorder the keys.
  const build = sql.raw(dialect === 'sqlite' ? 'json_object' : 'json_build_object');
  return sql`${build}(${sql.join(fields.map(([key, value]) => sql`${sql.lit(key)}, ${value}`))})`;
}

// Null when the movie names none, or names one that is gone.
function namedRef(dialect: Dialect, table: 'genres' | 'directors'): RawBuilder<unknown> {
  const id = sql.ref(`${table}.id`);
  const ref = jsonObject(dialect, [
    ['id', id],
    ['name', sql.ref(`${table}.name`)],
  ]);
  return sql`case when ${id} is null then null else ${ref} end`;
}

const column = (name: string) => sql.ref(`movies.${name}`);

/** The tables a movie answer is read from: movieJson embeds its genre and its director. */
export const MOVIE_ANSWER_READS = [
  'movies',
  'genres',
  'directors',
] as const satisfies readonly CatalogResource[];

/**
 * A movie as the API answers it (the Movie schema, keys in its order), as JSON text written by
 * the database, in a query that joins movies with genres and directors.
 */
export function movieJson(dialect: Dialect): RawBuilder<string> {
  return jsonObject(dialect, [
    ['id', column('id')],
    ['title', column('title')],
    ['description', column('description')],
    ['trailer', column('trailer')],
    ['year', column('year')],
    // PostgreSQL keeps a -0 rating and would write it so; JSON.stringify wrote 0.
    ['rating', sql`${column('rating')} + 0`],
    ['genre_id', column('genre_id')],
    ['director_id', column('director_id')],
    ['genre', namedRef(dialect, 'genres')],
    ['director', namedRef(dialect, 'directors')],
  ]).$castTo<string>();
}

// A blob (SQLite) or bytea (PostgreSQL) reaches JavaScript as a Buffer, never as a string.
function utf8Bytes(dialect: Dialect, text: RawBuilder<unknown>): RawBuilder<Buffer> {
  return dialect === 'sqlite'
    ? sql<Buffer>`cast(${text} as blob)`
    : sql<Buffer>`convert_to(${text}, 'UTF8')`;
}

/** The movie's answer as UTF-8 bytes. */
export const movieJsonBytes = (dialect: Dialect): RawBuilder<Buffer> =>
  utf8Bytes(dialect, dialect === 'sqlite' ? movieJson(dialect) : sql`${movieJson(dialect)}::text`);

/**
 * Over a subquery `list` of movies (json, id, sort_key) in its order: `json`, their answers as the
 * UTF-8 bytes of one JSON array, and `entries`, a JSON array of [byte length, id, sort_key] per
 * movie, in the same order, for the page around them. Both aggregates read the subquery's rows
 * in its order (an aggregate's own ORDER BY would sort them again).
 */
export function movieJsonArray(dialect: Dialect): {
  json: RawBuilder<Buffer>;
  entries: RawBuilder<string>;
} {
  const [json, id, sortKey] = [sql.ref('list.json'), sql.ref('list.id'), sql.ref('list.sort_key')];
  if (dialect === 'sqlite') {
    return {
      json: utf8Bytes(dialect, sql`'[' || coalesce(group_concat(${json}, ','), '') || ']'`),
      entries: sql<string>`json_group_array(json_array(octet_length(${json}), ${id}, ${sortKey}))`,
    };
  }
  // In a UTF8 database octet_length counts the bytes convert_to gives.
  const text = sql`${json}::text`;
  return {
    json: utf8Bytes(dialect, sql`'[' || coalesce(string_agg(${text}, ','), '') || ']'`),
    entries: sql<string>`coalesce(json_agg(json_build_array(octet_length(${text}), ${id}, ${sortKey})), '[]')::text`,
  };
}
