import { existsSync } from 'node:fs';
import { dataDirOf, readDatabaseUrl, readListenUrl } from './config/database-url.js';
import {
  readCorsOrigins,
  readMetricsToken,
  readTrustProxy,
  trustProxyOptionOf,
  type TrustProxy,
  type TrustProxyOption,
} from './config/http.js';
import { ConfigError, readBoolean, readChoice, readInteger, type Env } from './config/read.js';
import { readJwtSecret, readPreviousSecrets, type NodeEnv } from './config/secrets.js';

export { ConfigError } from './config/read.js';
export { MAX_PREVIOUS_SECRETS, type NodeEnv } from './config/secrets.js';
export { BODY_LIMIT_BYTES, type TrustProxy, type TrustProxyOption } from './config/http.js';
export { sqliteFileOf } from './config/database-url.js';

export type CatalogRead = 'authenticated' | 'public';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly nodeEnv: NodeEnv;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  /** PostgreSQL: where the catalog change listener connects (LISTEN needs a session, not a pooler). */
  readonly databaseListenUrl: string;
  readonly databasePoolSize: number;
  /** PostgreSQL: the most-run statements prepared once per connection and sent by name. */
  readonly databasePreparedStatements: boolean;
  readonly dataDir: string;
  readonly jwtSecret: Buffer;
  /** Keys that still verify tokens signed before a rotation (JWT_PREVIOUS_SECRETS). */
  readonly jwtPreviousSecrets: readonly Buffer[];
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly refreshReuseGrace: number;
  readonly pbkdf2Iterations: number;
  readonly catalogRead: CatalogRead;
  /** Origins allowed by CORS: '*', a list, or null for no CORS headers at all. */
  readonly corsOrigins: '*' | string[] | null;
  readonly trustProxy: TrustProxy;
  /** trustProxy in the form Fastify's trustProxy option takes. */
  readonly trustProxyOption: TrustProxyOption;
  readonly seedDemo: boolean;
  readonly logLevel: LogLevel;
  readonly loginMaxFailuresPerAccount: number;
  readonly loginMaxFailuresPerAddress: number;
  readonly loginFailureWindow: number;
  readonly loginBlockDuration: number;
  readonly registrationsPerMinute: number;
  /** Password checks one client (an IPv4 address or IPv6 /64) may have waiting for a turn. */
  readonly hashQueuePerClient: number;
  /** How long a password check may wait for its turn before it gets 503 (ms). */
  readonly hashStartTimeoutMs: number;
  /** Deadline for a whole request, headers and body, to arrive (ms); past it, 408. */
  readonly requestTimeoutMs: number;
  /** Budget of the catalog response cache in MiB; 0 turns the cache off. */
  readonly responseCacheMb: number;
  /** How often the catalog versions are read while no change notifications arrive (ms). */
  readonly catalogPollMs: number;
  /** How often they are read while PostgreSQL notifications arrive: a safety net (ms). */
  readonly catalogPollWhileListeningMs: number;
  /** For users imported from the Flask service (one global salt, fixed count). */
  readonly legacyPasswordSalt: string;
  readonly legacyPasswordIterations: number;
  /** Bearer token that GET /metrics asks for; null: no /metrics route at all. */
  readonly metricsToken: string | null;
  /** libuv's worker threads (UV_THREADPOOL_SIZE, which libuv reads itself; unchecked here). */
  readonly threadPoolSize: number;
}

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = readChoice<NodeEnv>(
    env,
    'NODE_ENV',
    ['development', 'production', 'test'],
    'development',
  );
  const databaseUrl = readDatabaseUrl(env);
  const dataDir = dataDirOf(databaseUrl);
  const day = 24 * 3600;
  const settings = {
    nodeEnv,
    port: readInteger(env, 'PORT', 10001, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    databaseListenUrl: readListenUrl(env, databaseUrl),
    databasePoolSize: readInteger(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    databasePreparedStatements: readBoolean(env, 'DATABASE_PREPARED_STATEMENTS', true),
    dataDir,
    jwtSecret: readJwtSecret(env, nodeEnv, dataDir),
    jwtPreviousSecrets: Object.freeze(readPreviousSecrets(env, nodeEnv)),
    accessTokenTtl: readInteger(env, 'ACCESS_TOKEN_TTL', 900, 1, 7 * day),
    refreshTokenTtl: readInteger(env, 'REFRESH_TOKEN_TTL', 30 * day, 1, 3650 * day),
    refreshReuseGrace: readInteger(env, 'REFRESH_REUSE_GRACE', 10, 0, 3600),
    pbkdf2Iterations: readInteger(env, 'PBKDF2_ITERATIONS', 600_000, 1, 100_000_000),
    catalogRead: readChoice<CatalogRead>(
      env,
      'CATALOG_READ',
      ['authenticated', 'public'],
      'authenticated',
    ),
    corsOrigins: readCorsOrigins(env),
    trustProxy: readTrustProxy(env),
    seedDemo: readBoolean(env, 'SEED_DEMO', true),
    logLevel: readChoice(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    loginMaxFailuresPerAccount: readInteger(env, 'LOGIN_MAX_FAILURES_PER_USERNAME', 10, 1, 1e6),
    loginMaxFailuresPerAddress: readInteger(env, 'LOGIN_MAX_FAILURES_PER_ADDRESS', 100, 1, 1e6),
    loginFailureWindow: readInteger(env, 'LOGIN_FAILURE_WINDOW', 900, 1, day),
    loginBlockDuration: readInteger(env, 'LOGIN_BLOCK_DURATION', 60, 1, day),
    registrationsPerMinute: readInteger(env, 'REGISTRATIONS_PER_MINUTE', 20, 1, 1e6),
    hashQueuePerClient: readInteger(env, 'HASH_QUEUE_PER_CLIENT', 32, 1, 1000),
    hashStartTimeoutMs: readInteger(env, 'HASH_START_TIMEOUT_MS', 10_000, 1, 600_000),
    requestTimeoutMs: readInteger(env, 'REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
    responseCacheMb: readInteger(env, 'RESPONSE_CACHE_MB', 8, 0, 4096),
    catalogPollMs: readInteger(env, 'CATALOG_POLL_MS', 500, 10, day * 1000),
    catalogPollWhileListeningMs: readInteger(
      env,
      'CATALOG_POLL_WHILE_LISTENING_MS',
      10_000,
      10,
      day * 1000,
    ),
    legacyPasswordSalt: env.LEGACY_PASSWORD_SALT ?? 'secret here',
    legacyPasswordIterations: readInteger(
      env,
      'LEGACY_PASSWORD_ITERATIONS',
      100_000,
      1,
      100_000_000,
    ),
    metricsToken: readMetricsToken(env),
    threadPoolSize: Number(env.UV_THREADPOOL_SIZE ?? 4),
  };
  return Object.freeze({ ...settings, trustProxyOption: trustProxyOptionOf(settings.trustProxy) });
}

/** Environment plus an optional .env in the working directory; a bad setting ends the process. */
export function loadConfigOrExit(overrides: Record<string, string> = {}): Config {
  try {
    if (existsSync('.env')) process.loadEnvFile('.env');
    return loadConfig({ ...process.env, ...overrides });
  } catch (error) {
    const message =
      error instanceof ConfigError || error instanceof Error ? error.message : String(error);
    console.error(`Configuration error: ${message}`);
    process.exit(78);
  }
}

/** DATABASE_URL as the shell set it, before any .env is read and without a default. */
export const shellDatabaseUrl = (): string | undefined => process.env.DATABASE_URL;
