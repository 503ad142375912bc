import { createSigner } from 'fast-jwt';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { hashPassword } from '../src/auth/password.js';
import { loadConfig, type Config } from '../src/config.js';
import { openPreparedDatabase, type PreparedDatabase } from '../src/db/prepare.js';
import type { Database } from '../src/db/schema.js';
import { insertUser } from '../src/modules/users/repository.js';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long';
// Low on purpose: tests hash many passwords; the 600,000 default is checked in unit tests.
export const TEST_ITERATIONS = 1000;

export interface TestContext {
  readonly app: FastifyInstance;
  readonly db: Kysely<Database>;
  readonly config: Config;
  /** The fluent client over app.inject (see apiOf). */
  readonly api: Api;
}

/** The suite runs once on SQLite and, with TEST_DATABASE_URL, once more on PostgreSQL. */
export const onPostgres = process.env.TEST_DATABASE === 'postgres';

export interface TestDatabase {
  readonly url: string;
  readonly drop: () => Promise<void>;
}

async function withAdminClient(work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** On PostgreSQL, a schema of its own (created here, dropped by drop()); on SQLite, the given URL. */
export async function freshDatabase(sqliteUrl = 'sqlite::memory:'): Promise<TestDatabase> {
  if (!onPostgres) return { url: sqliteUrl, drop: async () => {} };
  const schema = `test_${randomUUID().replace(/-/g, '')}`;
  await withAdminClient((client) => client.query(`create schema ${schema}`).then(() => undefined));
  const url = new URL(String(process.env.TEST_DATABASE_URL));
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: () =>
      withAdminClient((client) =>
        client.query(`drop schema ${schema} cascade`).then(() => undefined),
      ),
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: 'sqlite::memory:',
    JWT_SECRET: TEST_SECRET,
    PBKDF2_ITERATIONS: String(TEST_ITERATIONS),
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

export interface OpenTestDatabase {
  readonly config: Config;
  readonly database: PreparedDatabase;
  readonly close: () => Promise<void>;
}

/** A fresh, migrated (and unless told otherwise, seeded) database on the suite's database. */
export async function openTestDatabase(
  overrides: Record<string, string> = {},
): Promise<OpenTestDatabase> {
  const fresh = await freshDatabase();
  const config = testConfig({ DATABASE_URL: fresh.url, ...overrides });
  const database = await openPreparedDatabase(config);
  return {
    config,
    database,
    close: async () => {
      try {
        await database.db.destroy();
      } finally {
        await fresh.drop();
      }
    },
  };
}

/** Another app on a database that already exists (another instance, or a restart); its pool closes with it. */
export async function appOnDatabase(
  databaseUrl: string,
  overrides: Record<string, string> = {},
): Promise<TestContext> {
  const config = testConfig({ DATABASE_URL: databaseUrl, ...overrides });
  const database = await openPreparedDatabase(config);
  const app = await buildApp({ config, db: database.db });
  app.addHook('onClose', async () => {
    await database.db.destroy();
  });
  return { app, db: database.db, config, api: apiOf(app) };
}

/** A fresh, migrated, seeded database and the real app in front of it. */
export async function buildTestApp(overrides: Record<string, string> = {}): Promise<TestContext> {
  const { config, database, close } = await openTestDatabase(overrides);
  const app = await buildApp({ config, db: database.db });
  app.addHook('onClose', close);
  await app.ready();
  return { app, db: database.db, config, api: apiOf(app) };
}

export async function createUser(
  ctx: TestContext,
  username: string,
  password: string,
  role: 'user' | 'admin' = 'user',
): Promise<number> {
  const passwordHash = await hashPassword(password, ctx.config.pbkdf2Iterations);
  const user = await insertUser(ctx.db, { username, passwordHash, role });
  return user.id;
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
}

export async function login(ctx: TestContext, username: string, password: string): Promise<Tokens> {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/auth/',
    payload: { username, password },
  });
  if (response.statusCode !== 201)
    throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  return response.json<Tokens>();
}

/** A user with a fresh access token, ready to use in requests. */
export async function signedIn(
  ctx: TestContext,
  username: string,
  role: 'user' | 'admin' = 'user',
): Promise<{ id: number; token: string; tokens: Tokens; headers: Record<string, string> }> {
  const password = `${username}-password`;
  const id = await createUser(ctx, username, password, role);
  const tokens = await login(ctx, username, password);
  return { id, token: tokens.access_token, tokens, headers: bearer(tokens.access_token) };
}

export const bearer = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
});

/** Who sends a request: an access token, login()'s tokens, or signedIn()'s { token } or { headers }. */
export type Who =
  string | Tokens | { readonly token: string } | { readonly headers: Record<string, string> };

/** Whatever else inject takes (remoteAddress, query...); its headers add to the client's. */
export type RequestOptions = Omit<InjectOptions, 'method' | 'url' | 'path' | 'payload' | 'body'>;

type Method = NonNullable<InjectOptions['method']>;
type Body = InjectOptions['payload'];
type Send = (url: string, body?: Body, options?: RequestOptions) => Promise<LightMyRequestResponse>;

/**
 * A thin fluent client over app.inject: `api.as(admin).patch('/users/2', body)`. The body goes as
 * inject's payload (objects as JSON; strings and Buffers as given, with the content-type set by
 * with()); the answer is inject's own.
 */
export interface Api {
  readonly request: (
    method: Method,
    url: string,
    body?: Body,
    options?: RequestOptions,
  ) => Promise<LightMyRequestResponse>;
  readonly get: (url: string, options?: RequestOptions) => Promise<LightMyRequestResponse>;
  readonly post: Send;
  readonly put: Send;
  readonly patch: Send;
  readonly delete: Send;
  /** The same client, sending these headers too (later ones win). */
  readonly with: (headers: Record<string, string>) => Api;
  /** The same client, sending who's Authorization header. */
  readonly as: (who: Who) => Api;
}

function headersOf(who: Who): Record<string, string> {
  if (typeof who === 'string') return bearer(who);
  if ('headers' in who) return who.headers;
  return bearer('token' in who ? who.token : who.access_token);
}

export function apiOf(app: FastifyInstance, headers: Record<string, string> = {}): Api {
  const request: Api['request'] = (method, url, body, options = {}) =>
    app.inject({
      ...options,
      method,
      url,
      headers: { ...headers, ...options.headers },
      ...(body !== undefined && { payload: body }),
    });
  return {
    request,
    get: (url, options) => request('GET', url, undefined, options),
    post: (url, body, options) => request('POST', url, body, options),
    put: (url, body, options) => request('PUT', url, body, options),
    patch: (url, body, options) => request('PATCH', url, body, options),
    delete: (url, body, options) => request('DELETE', url, body, options),
    with: (more) => apiOf(app, { ...headers, ...more }),
    as: (who) => apiOf(app, { ...headers, ...headersOf(who) }),
  };
}

/** The one error body of the contract: message, code, optional errors and request_id, nothing else. */
export function errorBody(response: LightMyRequestResponse): {
  message: string;
  code: string;
  errors?: Record<string, string>;
} {
  const body = response.json<Record<string, unknown>>();
  const extra = Object.keys(body).filter(
    (key) => !['message', 'code', 'errors', 'request_id'].includes(key),
  );
  if (extra.length > 0) throw new Error(`error body has extra keys: ${extra.join(', ')}`);
  if (typeof body.message !== 'string' || typeof body.code !== 'string') {
    throw new Error(`not an error body: ${response.body}`);
  }
  if (body.code === 'validation_error' && typeof body.errors !== 'object') {
    throw new Error('validation_error without errors');
  }
  return body as { message: string; code: string; errors?: Record<string, string> };
}

/** A token signed with the test secret that expired an hour ago (well past the 30 s leeway). */
export function expiredToken(
  claims: Record<string, unknown> = {
    sub: '1',
    username: 'x',
    role: 'user',
    type: 'access',
    jti: 'j',
  },
): string {
  const now = Math.floor(Date.now() / 1000);
  return createSigner({ key: TEST_SECRET })({ ...claims, iat: now - 7200, exp: now - 3600 });
}

export function decodeJwtPayload(token: string): Record<string, unknown> {
  const [, payload = ''] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
