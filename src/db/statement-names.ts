// PostgreSQL parses and plans a statement sent without a name each time it runs; for a movie list
// that took longer than running it (a page query: about 0.85 ms a round trip unnamed, 0.36 ms
// named, on the demo catalog). The statements the API runs most, compiled once per shape, are
// sent by name instead: each connection prepares a name once and runs it after that.
//
// The names are bounded: the first MAX_NAMED shapes a process registers get one and keep it, the
// rest run unnamed as before. So a client asking for endless query shapes cannot grow what each
// connection (or the server behind it) keeps; it can at most leave later shapes unnamed.

const MAX_NAMED = 64;

const names = new Map<string, string>();

/** Marks a compiled statement the API runs often; a name is given while fewer than 64 have one. */
export function nameStatement(sql: string): void {
  if (names.size < MAX_NAMED && !names.has(sql)) names.set(sql, `movie_catalog_${names.size + 1}`);
}

/** The name a statement is sent under, or undefined: sent unnamed. */
export const statementNameOf = (sql: string): string | undefined => names.get(sql);
