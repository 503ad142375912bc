import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export type NodeEnv = 'development' | 'production' | 'test';
export type CatalogRead = 'authenticated' | 'public';
export type TrustProxy = boolean | number | string[];
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly nodeEnv: NodeEnv;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  /** PostgreSQL: where the catalog change listener connects (LISTEN needs a session, not a pooler). */
  readonly databaseListenUrl: string;
  readonly databasePoolSize: number;
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
  readonly seedDemo: boolean;
  readonly logLevel: LogLevel;
  readonly loginMaxFailuresPerAccount: number;
  readonly loginMaxFailuresPerAddress: number;
  readonly loginFailureWindow: number;
  readonly loginBlockDuration: number;
  readonly registrationsPerMinute: number;
  /** Password hashes one client (an IPv4 address or IPv6 /64) may have under way at once. */
  readonly hashConcurrencyPerClient: number;
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
}

export class ConfigError extends Error {}

type Env = Readonly<Record<string, string | undefined>>;

const MIN_PRODUCTION_SECRET_BYTES = 32;
// Each is tried at most once per token without a kid: keep that bounded.
export const MAX_PREVIOUS_SECRETS = 5;
const MIN_METRICS_TOKEN_LENGTH = 16;
const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${raw}`);
  }
  return value;
}

function readChoice<T extends string>(
  env: Env,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const found = choices.find((choice) => choice === raw);
  if (found === undefined) {
    throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  }
  return found;
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function readTrustProxy(env: Env): TrustProxy {
  const raw = env.TRUST_PROXY;
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const addresses = raw.split(',').map((part) => part.trim());
  if (addresses.some((part) => !/^[0-9a-fA-F.:/]+$/.test(part))) {
    throw new ConfigError(
      `TRUST_PROXY must be true, false, a hop count or a list of proxy addresses, got "${raw}"`,
    );
  }
  return addresses;
}

function readCorsOrigins(env: Env): '*' | string[] | null {
  const raw = env.CORS_ORIGINS?.trim();
  if (raw === undefined || raw === '') return null;
  if (raw === '*') return '*';
  const origins = raw.split(',').map((origin) => origin.trim().replace(/\/+$/, ''));
  const bad = origins.find((origin) => !/^https?:\/\/[^/\s]+$/.test(origin));
  if (bad !== undefined) {
    throw new ConfigError(
      `CORS_ORIGINS must be * or a comma-separated list of origins such as http://localhost:3000, got "${bad}"`,
    );
  }
  return origins;
}

function readDatabaseUrl(env: Env): string {
  const url = env.DATABASE_URL || 'sqlite:./data/movies.db';
  if (!/^sqlite:.+/.test(url) && !/^postgres(ql)?:\/\/.+/.test(url)) {
    throw new ConfigError(
      'DATABASE_URL must look like sqlite:./data/movies.db, sqlite::memory: or postgres://user:pass@host:port/db',
    );
  }
  return url;
}

function readListenUrl(env: Env, databaseUrl: string): string {
  const url = env.DATABASE_LISTEN_URL || databaseUrl;
  if (url !== databaseUrl && !/^postgres(ql)?:\/\/.+/.test(url)) {
    throw new ConfigError(
      'DATABASE_LISTEN_URL must look like postgres://user:pass@host:port/db (the database of DATABASE_URL, without a transaction pooler)',
    );
  }
  return url;
}

// A token a scraper can send as it is: RFC 6750's b64token (base64, base64url or hex).
function readMetricsToken(env: Env): string | null {
  const raw = env.METRICS_TOKEN;
  if (raw === undefined || raw === '') return null;
  if (raw.length < MIN_METRICS_TOKEN_LENGTH || !/^[A-Za-z0-9\-._~+/]+=*$/.test(raw)) {
    throw new ConfigError(
      `METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters of letters, digits and -._~+/= (got ${raw.length} characters); generate one with: openssl rand -hex 32`,
    );
  }
  return raw;
}

export function sqliteFileOf(databaseUrl: string): string | null {
  if (!databaseUrl.startsWith('sqlite:')) return null;
  const path = databaseUrl.slice('sqlite:'.length);
  return path === ':memory:' ? null : resolve(path);
}

function dataDirOf(databaseUrl: string): string {
  const file = sqliteFileOf(databaseUrl);
  return file === null ? resolve('data') : dirname(file);
}

// Development only: one random secret per data folder, readable by its owner alone.
function loadOrCreateDevelopmentSecret(dataDir: string): Buffer {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file);
  mkdirSync(dataDir, { recursive: true });
  const secret = Buffer.from(randomBytes(48).toString('base64url'));
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}

function readJwtSecret(env: Env, nodeEnv: NodeEnv, dataDir: string): Buffer {
  const raw = env.JWT_SECRET;
  if (raw !== undefined && raw !== '') {
    const secret = Buffer.from(raw, 'utf8');
    if (nodeEnv === 'production' && secret.length < MIN_PRODUCTION_SECRET_BYTES) {
      throw new ConfigError(
        `JWT_SECRET must be at least ${MIN_PRODUCTION_SECRET_BYTES} bytes in production, got ${secret.length}`,
      );
    }
    return secret;
  }
  if (nodeEnv === 'production') {
    throw new ConfigError(
      `JWT_SECRET is required in production (at least ${MIN_PRODUCTION_SECRET_BYTES} bytes); generate one with: openssl rand -base64 48`,
    );
  }
  return loadOrCreateDevelopmentSecret(dataDir);
}

// Comma-separated, used as UTF-8 bytes like JWT_SECRET; entries that are empty or padded with
// spaces are refused rather than guessed at, since a wrong guess logs everyone out.
function readPreviousSecrets(env: Env, nodeEnv: NodeEnv): Buffer[] {
  const raw = env.JWT_PREVIOUS_SECRETS;
  if (raw === undefined || raw === '') return [];
  const entries = raw.split(',');
  if (entries.length > MAX_PREVIOUS_SECRETS) {
    throw new ConfigError(
      `JWT_PREVIOUS_SECRETS lists ${entries.length} secrets; at most ${MAX_PREVIOUS_SECRETS} (drop those whose tokens have expired)`,
    );
  }
  return entries.map((entry, index) => {
    const position = `JWT_PREVIOUS_SECRETS entry ${index + 1} of ${entries.length}`;
    if (entry === '') {
      throw new ConfigError(`${position} is empty (secrets are separated by commas, no spaces)`);
    }
    if (entry.trim() !== entry) {
      throw new ConfigError(`${position} starts or ends with a space (separate by commas only)`);
    }
    const secret = Buffer.from(entry, 'utf8');
    if (nodeEnv === 'production' && secret.length < MIN_PRODUCTION_SECRET_BYTES) {
      throw new ConfigError(
        `${position} must be at least ${MIN_PRODUCTION_SECRET_BYTES} bytes in production, got ${secret.length}`,
      );
    }
    return secret;
  });
}

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
  return Object.freeze({
    nodeEnv,
    port: readInteger(env, 'PORT', 10001, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    databaseListenUrl: readListenUrl(env, databaseUrl),
    databasePoolSize: readInteger(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
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
    hashConcurrencyPerClient: readInteger(env, 'HASH_CONCURRENCY_PER_CLIENT', 2, 1, 1000),
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
  });
}
