import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from '../../db/database.js';

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

/**
 * A movie as the API answers it (the Movie schema, keys in its order), written by the database
 * as UTF-8 JSON bytes, in a query that joins movies with genres and directors.
 */
export function movieJson(dialect: Dialect): RawBuilder<Buffer> {
  const movie = jsonObject(dialect, [
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
  ]);
  // A blob (SQLite) or bytea (PostgreSQL) reaches JavaScript as a Buffer, never as a string.
  return dialect === 'sqlite'
    ? sql<Buffer>`cast(${movie} as blob)`
    : sql<Buffer>`convert_to(${movie}::text, 'UTF8')`;
}
