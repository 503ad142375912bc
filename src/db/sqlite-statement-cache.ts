import type { Database as BetterSqliteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

// Kysely's SQLite driver prepares every statement anew; a handful of query shapes serve the API.
const DEFAULT_MAX_STATEMENTS = 256;

/**
 * The database as Kysely's SqliteDialect sees it, with prepared statements kept by their SQL text
 * and the least recently used dropped past `maxStatements`. Kysely's driver runs one query at a
 * time on its single connection, so a kept statement is never used by two queries at once.
 */
export function withStatementCache(
  database: BetterSqliteDatabase,
  maxStatements = DEFAULT_MAX_STATEMENTS,
): SqliteDatabase {
  const statements = new Map<string, Statement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare: (sql) => {
      const kept = statements.get(sql);
      if (kept !== undefined) {
        statements.delete(sql);
        statements.set(sql, kept);
        return kept;
      }
      const prepared = database.prepare(sql);
      statements.set(sql, prepared);
      if (statements.size > maxStatements) {
        const oldest = statements.keys().next();
        if (oldest.done !== true) statements.delete(oldest.value);
      }
      return prepared;
    },
  };
}
