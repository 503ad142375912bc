import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { sqliteFileOf } from '../config.js';
import type { Database } from './schema.js';
import { openSqliteConnection } from './sqlite-connection.js';
import { StablePlanSqliteDialect } from './sqlite-dialect.js';
import { statementNameOf } from './statement-names.js';
import { withStatementCache } from './sqlite-statement-cache.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
}

export interface DatabaseOptions {
  readonly poolSize?: number;
  /** SQLite only: open an existing file without writing to it. */
  readonly readonly?: boolean;
  /**
   * PostgreSQL only: send the API's most-run statements by name, prepared once per connection
   * (default). Off for a transaction pooler that cannot keep prepared statements.
   */
  readonly preparedStatements?: boolean;
  /** Told about connections that fail while idle in the pool (the pool recovers by itself). */
  readonly onPoolError?: (error: Error) => void;
  /**
   * PostgreSQL only: the service's statement and query timeouts (default). Off for migrations,
   * which may rewrite whole tables.
   */
  readonly timeouts?: boolean;
}

/** Connections of a PostgreSQL pool, and queries waiting for one. */
export interface PoolUsage {
  readonly inUse: number;
  readonly idle: number;
  readonly waiting: number;
}

// The pool behind each Kysely opened here, so the app can report it without holding the pool.
const pools = new WeakMap<Kysely<Database>, pg.Pool>();

const PG_INT8 = 20;
// A request waits at most this long for a connection or a statement, then gets a 503.
const CONNECT_TIMEOUT_MS = 3000;
const STATEMENT_TIMEOUT_MS = 5000;

function openSqlite(databaseUrl: string, readonly: boolean): DatabaseHandle {
  const file = sqliteFileOf(databaseUrl);
  if (readonly && file === null) throw new Error('a read-only SQLite database needs a file');
  if (!readonly && file !== null) mkdirSync(dirname(file), { recursive: true });
  const sqlite = openSqliteConnection(file ?? ':memory:', { readonly });
  if (!readonly) {
    sqlite.exec('pragma journal_mode = WAL');
    sqlite.exec('pragma synchronous = NORMAL');
    sqlite.exec('pragma foreign_keys = ON');
    sqlite.exec('pragma busy_timeout = 5000');
  }
  return {
    db: new Kysely<Database>({
      dialect: new StablePlanSqliteDialect({ database: withStatementCache(sqlite) }),
    }),
    dialect: 'sqlite',
  };
}

function openPostgres(databaseUrl: string, options: DatabaseOptions): DatabaseHandle {
  // Ids and counts are bigint; every value we store fits in a JavaScript number.
  const types = {
    getTypeParser: (oid: number, format?: string) =>
      oid === PG_INT8 ? Number : pg.types.getTypeParser(oid, format as 'text'),
  };
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    types,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(options.timeouts === false
      ? {}
      : { statement_timeout: STATEMENT_TIMEOUT_MS, query_timeout: STATEMENT_TIMEOUT_MS + 1000 }),
    keepAlive: true,
  });
  // Without listeners, a connection dropped by the server (idle or checked out) would crash the
  // process; the query in flight fails on its own and the pool discards the broken client.
  const report = (error: Error) => options.onPoolError?.(error);
  pool.on('error', report);
  pool.on('connect', (client) => {
    client.on('error', report);
    if (options.preparedStatements ?? true) sendNamedStatements(client);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return { db, dialect: 'postgres' };
}

/**
 * Kysely's driver sends every query as `client.query(sql, parameters)`; a statement with a name
 * (db/statement-names.ts) goes as `{ name, text, values }`, which pg prepares on this connection
 * the first time and runs by name after that.
 */
function sendNamedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const named = (text: unknown, values: unknown, ...rest: unknown[]): unknown => {
    const name =
      typeof text === 'string' && Array.isArray(values) ? statementNameOf(text) : undefined;
    return name === undefined
      ? query(text, values, ...rest)
      : query({ name, text, values }, ...rest);
  };
  client.query = named as typeof client.query;
}

/** Reads the usage of the PostgreSQL pool behind db; null on SQLite, which has no pool. */
export function poolUsageOf(db: Kysely<Database>): (() => PoolUsage) | null {
  const pool = pools.get(db);
  if (pool === undefined) return null;
  return () => ({
    inUse: pool.totalCount - pool.idleCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
  });
}

export const dialectOf = (databaseUrl: string): Dialect =>
  databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres';

export function openDatabase(databaseUrl: string, options: DatabaseOptions = {}): DatabaseHandle {
  return dialectOf(databaseUrl) === 'sqlite'
    ? openSqlite(databaseUrl, options.readonly ?? false)
    : openPostgres(databaseUrl, options);
}

/** The health check's round trip: resolves once the database answered a trivial query. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
