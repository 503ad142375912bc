// What every bench job shares: the service's settings and data folder, its users, and logging in.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runToEnd, startListening } from './processes.js';

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
export const folder = mkdtempSync(join(tmpdir(), 'movies-bench-'));
export const serviceEnv = {
  NODE_ENV: 'production',
  DATABASE_URL: `sqlite:${join(folder, 'movies.db')}`,
  JWT_SECRET: randomBytes(48).toString('base64'),
  BENCH_LOOP_FILE: join(folder, 'loop.json'),
  // The login storm's 20 clients log in as one user from 127.0.0.1; each stands for a user and a
  // client of its own, so neither the per-client hashing bound nor the per-account count of
  // checks under way (10) may refuse them.
  HASH_QUEUE_PER_CLIENT: '100',
  LOGIN_MAX_FAILURES_PER_USERNAME: '1000',
  // DATABASE_PREPARED_STATEMENTS=false npm run bench: the PostgreSQL cases with every statement
  // sent unnamed, to compare against the default.
  ...(process.env.DATABASE_PREPARED_STATEMENTS === undefined
    ? {}
    : { DATABASE_PREPARED_STATEMENTS: process.env.DATABASE_PREPARED_STATEMENTS }),
};
export const users = {
  admin: { username: 'bench-admin', password: 'bench-admin-password' },
  user: { username: 'bench-user', password: 'bench-user-password' },
};

export const startService = (env: Record<string, string> = serviceEnv, nodeArgs: string[] = []) =>
  startListening(
    process.execPath,
    [...nodeArgs, '--import', './bench/loop-monitor.mjs', 'dist/server.js'],
    { ...env, PORT: '0' },
    /Server listening at http:\/\/127\.0\.0\.1:(\d+)/,
  );

export async function login(
  url: string,
  credentials: { username: string; password: string },
): Promise<string> {
  const response = await fetch(`${url}/auth/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (response.status !== 201) throw new Error(`login failed: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** A user made with the service's own CLI (dist/, so run `npm run build` first). */
export function createUser(
  env: Record<string, string>,
  credentials: { username: string; password: string },
  role: 'user' | 'admin' = 'user',
): Promise<unknown> {
  const args = ['dist/cli/main.js', 'create-user', '--username', credentials.username];
  return runToEnd(
    process.execPath,
    [...args, '--password', credentials.password, ...(role === 'admin' ? ['--role', 'admin'] : [])],
    env,
  );
}
