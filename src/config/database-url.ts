import { dirname, resolve } from 'node:path';
import { ConfigError, type Env } from './read.js';

export function readDatabaseUrl(env: Env): string {
  const url = env.DATABASE_URL || 'sqlite:./data/movies.db';
  if (!/^sqlite:.+/.test(url) && !/^postgres(ql)?:\/\/.+/.test(url)) {
    throw new ConfigError(
      'DATABASE_URL must look like sqlite:./data/movies.db, sqlite::memory: or postgres://user:pass@host:port/db',
    );
  }
  return url;
}

export function readListenUrl(env: Env, databaseUrl: string): string {
  const url = env.DATABASE_LISTEN_URL || databaseUrl;
  if (url !== databaseUrl && !/^postgres(ql)?:\/\/.+/.test(url)) {
    throw new ConfigError(
      'DATABASE_LISTEN_URL must look like postgres://user:pass@host:port/db (the database of DATABASE_URL, without a transaction pooler)',
    );
  }
  return url;
}

export function sqliteFileOf(databaseUrl: string): string | null {
  if (!databaseUrl.startsWith('sqlite:')) return null;
  const path = databaseUrl.slice('sqlite:'.length);
  return path === ':memory:' ? null : resolve(path);
}

export function dataDirOf(databaseUrl: string): string {
  const file = sqliteFileOf(databaseUrl);
  return file === null ? resolve('data') : dirname(file);
}
