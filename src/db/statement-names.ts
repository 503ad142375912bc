import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

// PostgreSQL parses and plans a statement sent without a name each time it runs; for a movie list
// that took longer than running it (a page query: about 0.85 ms a round trip unnamed, 0.36 ms
// named, on the demo catalog). The statements the API runs most, compiled once per shape, are
// sent by name instead: each connection prepares a name once and runs it after that.
//
// The names are bounded: the first MAX_NAMED shapes a process registers get one and keep it, the
// rest run unnamed as before. So a client asking for endless query shapes cannot grow what each
// connection (or the server behind it) keeps; it can at most leave later shapes unnamed.

// Searches have a budget of their own: their shapes (tiers, filters) cannot take the lists' names.
const MAX_NAMED = { lists: 64, search: 32 } as const;

export type StatementKind = keyof typeof MAX_NAMED;

const names = new Map<string, string>();
const counts: Record<StatementKind, number> = { lists: 0, search: 0 };

/** Marks a compiled statement the API runs often; a name is given while its kind has names left. */
export function nameStatement(sql: string, kind: StatementKind = 'lists'): void {
  if (counts[kind] >= MAX_NAMED[kind] || names.has(sql)) return;
  counts[kind] += 1;
  names.set(
    sql,
    kind === 'lists' ? `movie_catalog_${counts[kind]}` : `movie_${kind}_${counts[kind]}`,
  );
}

/** The name a statement is sent under, or undefined: sent unnamed. */
export const statementNameOf = (sql: string): string | undefined => names.get(sql);

/** Runs a query as a named statement of this kind (PostgreSQL; SQLite keeps its own cache). */
export function executeNamed<R>(
  db: Kysely<Database>,
  query: { compile(db: Kysely<Database>): CompiledQuery<R> },
  kind: StatementKind,
): Promise<QueryResult<R>> {
  const compiled = query.compile(db);
  nameStatement(compiled.sql, kind);
  return db.executeQuery(compiled);
}
