import type { SqliteDatabase, SqliteStatement as KyselyStatement } from 'kysely';
import type { SqliteConnection } from './sqlite-connection.js';

// Kysely's SQLite driver prepares every statement anew; a handful of query shapes serve the API.
const DEFAULT_MAX_STATEMENTS = 256;

/**
 * The connection as Kysely's SqliteDialect sees it, with prepared statements kept by their SQL
 * text and the least recently used dropped past `maxStatements`. Kysely's driver runs one query at
 * a time on its single connection, so a kept statement is never used by two queries at once.
 */
export function withStatementCache(
  connection: SqliteConnection,
  maxStatements = DEFAULT_MAX_STATEMENTS,
): SqliteDatabase {
  const statements = new Map<string, KyselyStatement>();
  return {
    close: () => {
      statements.clear();
      connection.close();
    },
    prepare: (sql) => {
      const kept = statements.get(sql);
      if (kept !== undefined) {
        statements.delete(sql);
        statements.set(sql, kept);
        return kept;
      }
      const statement = connection.prepare(sql);
      // Kysely passes parameters as one array; the drivers take them as arguments.
      const prepared: KyselyStatement = {
        reader: statement.reader,
        all: (parameters) => statement.all(...parameters),
        run: (parameters) => statement.run(...parameters),
        iterate: (parameters) => statement.iterate(...parameters),
      };
      statements.set(sql, prepared);
      if (statements.size > maxStatements) {
        const oldest = statements.keys().next();
        if (oldest.done !== true) statements.delete(oldest.value);
      }
      return prepared;
    },
  };
}
