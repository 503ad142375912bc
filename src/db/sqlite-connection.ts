import { createRequire } from 'node:module';
import { indexWordsOf, SEARCH_WORDS_FUNCTION } from '../shared/search-words.js';

// One SQLite connection whichever driver the runtime has: Node's built-in node:sqlite on Node 24
// and later, better-sqlite3 12 on Node 20 (no built-in driver) and 22, whose node:sqlite cuts text
// at the first NUL character and prints doubles in SQL-built JSON with 15 digits, not 17.
// better-sqlite3 12 aborts the process on Node 24.19+ when a statement is collected, and 13 no
// longer runs on Node 20.

export interface SqliteRunResult {
  readonly changes: number | bigint;
  readonly lastInsertRowid: number | bigint;
}

/** A prepared statement; parameters are positional. Blobs come back as Buffers. */
export interface SqliteStatement {
  /** True when the statement returns rows (a select, or a write with `returning`). */
  readonly reader: boolean;
  all(...parameters: unknown[]): unknown[];
  get(...parameters: unknown[]): unknown;
  run(...parameters: unknown[]): SqliteRunResult;
  iterate(...parameters: unknown[]): IterableIterator<unknown>;
}

export interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  close(): void;
}

export interface SqliteOpenOptions {
  /** Open an existing file without writing to it; a missing file is an error. */
  readonly readonly?: boolean;
  /**
   * Integers beyond 2^53 read as the nearest number instead of failing the query. For files we
   * did not write (a Flask database to import), whose values are validated after reading.
   */
  readonly lossyIntegers?: boolean;
}

export type SqliteDriverName = 'node:sqlite' | 'better-sqlite3';

// The parts of node:sqlite used here (@types/node follows the oldest Node we run, 20, which lacks it).
interface NodeStatement {
  columns(): unknown[];
  all(...parameters: unknown[]): Record<string, unknown>[];
  get(...parameters: unknown[]): Record<string, unknown> | undefined;
  run(...parameters: unknown[]): SqliteRunResult;
  iterate(...parameters: unknown[]): IterableIterator<Record<string, unknown>>;
  setReadBigInts(enabled: boolean): void;
}
interface NodeDatabase {
  prepare(sql: string): NodeStatement;
  exec(sql: string): void;
  close(): void;
}
/** Both drivers register a SQL function this way. */
interface WithFunctions {
  function(
    name: string,
    options: { deterministic: boolean },
    fn: (text: string | null) => string | null,
  ): void;
}
interface NodeSqlite {
  DatabaseSync: new (
    path: string,
    options?: { readOnly?: boolean },
  ) => NodeDatabase & WithFunctions;
}
type BetterSqlite = new (
  path: string,
  options?: { readonly?: boolean; fileMustExist?: boolean },
) => SqliteConnection & WithFunctions;

const NODE_SQLITE_FROM_MAJOR = 24;

// Node may print an ExperimentalWarning when node:sqlite loads; that one warning is ours to
// silence, since the driver is chosen here and not by the user. Every other warning still shows.
function loadNodeSqlite(): NodeSqlite | undefined {
  if (Number(process.versions.node.split('.')[0]) < NODE_SQLITE_FROM_MAJOR) return undefined;
  // Every Node from 24 has getBuiltinModule and node:sqlite (@types/node follows Node 20).
  const { getBuiltinModule } = process as unknown as { getBuiltinModule: (id: string) => unknown };
  const emitWarning = process.emitWarning;
  process.emitWarning = function (warning: string | Error, ...rest: unknown[]) {
    const first = rest[0];
    const type = typeof first === 'string' ? first : (first as { type?: string } | undefined)?.type;
    if (type === 'ExperimentalWarning' && String(warning).startsWith('SQLite ')) return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return getBuiltinModule.call(process, 'node:sqlite') as NodeSqlite;
  } finally {
    process.emitWarning = emitWarning;
  }
}

const nodeSqlite = loadNodeSqlite();

/** The driver this process uses. */
export const sqliteDriver: SqliteDriverName = nodeSqlite ? 'node:sqlite' : 'better-sqlite3';

// Rows carry blobs as Uint8Array; callers get Buffers (no copy), as from better-sqlite3.
function withBuffers(
  row: Record<string, unknown>,
  lossyIntegers: boolean,
): Record<string, unknown> {
  for (const key in row) {
    const value = row[key];
    if (value instanceof Uint8Array) {
      row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    } else if (lossyIntegers && typeof value === 'bigint') {
      row[key] = Number(value);
    }
  }
  return row;
}

class NodeSqliteStatement implements SqliteStatement {
  readonly reader: boolean;

  constructor(
    private readonly statement: NodeStatement,
    private readonly lossyIntegers: boolean,
  ) {
    this.reader = statement.columns().length > 0;
    if (lossyIntegers) statement.setReadBigInts(true);
  }

  all(...parameters: unknown[]): unknown[] {
    const rows = this.statement.all(...parameters);
    for (const row of rows) withBuffers(row, this.lossyIntegers);
    return rows;
  }

  get(...parameters: unknown[]): unknown {
    const row = this.statement.get(...parameters);
    return row === undefined ? undefined : withBuffers(row, this.lossyIntegers);
  }

  run(...parameters: unknown[]): SqliteRunResult {
    return this.statement.run(...parameters);
  }

  *iterate(...parameters: unknown[]): IterableIterator<unknown> {
    for (const row of this.statement.iterate(...parameters)) {
      yield withBuffers(row, this.lossyIntegers);
    }
  }
}

function openWithNodeSqlite(
  sqlite: NodeSqlite,
  file: string,
  options: SqliteOpenOptions,
): SqliteConnection {
  const database = new sqlite.DatabaseSync(file, { readOnly: options.readonly === true });
  database.function(SEARCH_WORDS_FUNCTION, { deterministic: true }, indexWordsOf);
  const lossyIntegers = options.lossyIntegers === true;
  return {
    prepare: (sql) => new NodeSqliteStatement(database.prepare(sql), lossyIntegers),
    exec: (sql) => database.exec(sql),
    close: () => database.close(),
  };
}

function openWithBetterSqlite(file: string, options: SqliteOpenOptions): SqliteConnection {
  // Installed only on Node 20 and 22, through the optional local package packages/better-sqlite3-addon.
  const require = createRequire(import.meta.url);
  let Driver: BetterSqlite;
  try {
    Driver = require('better-sqlite3-addon') as BetterSqlite;
  } catch (error) {
    throw new Error(
      `Node ${process.version} uses better-sqlite3 (node:sqlite only from Node 24), which is not ` +
        `installed (it installs with "npm install" on Node 20 and 22): ${(error as Error).message}`,
    );
  }
  // better-sqlite3 reads integers beyond 2^53 as the nearest number already.
  const readonly = options.readonly === true;
  const database = new Driver(file, { readonly, fileMustExist: readonly });
  database.function(SEARCH_WORDS_FUNCTION, { deterministic: true }, indexWordsOf);
  return database;
}

/**
 * Opens a SQLite file (or `:memory:`) with the runtime's driver. Every connection has the search
 * index's word function, which the index's triggers call (migration 011): a tool without it,
 * such as the sqlite3 shell, can read the catalog but its writes to movies, directors and genres
 * fail with "no such function" rather than leave the index behind.
 */
export function openSqliteConnection(
  file: string,
  options: SqliteOpenOptions = {},
): SqliteConnection {
  return nodeSqlite
    ? openWithNodeSqlite(nodeSqlite, file, options)
    : openWithBetterSqlite(file, options);
}
