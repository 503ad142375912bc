import { after, before } from 'node:test';
import type { TestDatabase } from './helpers.js';
import { runCli, startServer, tempDatabase, type RunningServer } from './process.js';

export const ATTACK_SECRET = 'attack-tests-secret-attack-tests-secret';

/** Settings of a production server on the given database. */
export function productionSettings(
  databaseUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    JWT_SECRET: ATTACK_SECRET,
    PBKDF2_ITERATIONS: '1000',
    NODE_ENV: 'production',
    ...extra,
  };
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

export interface CallOptions {
  readonly body?: unknown;
  readonly token?: string;
  /** Sent as X-Forwarded-For: the client address when the server trusts a proxy. */
  readonly from?: string;
}

/** One request over a real socket; never throws on a status. */
export async function call(
  server: RunningServer,
  method: string,
  path: string,
  { body, token, from }: CallOptions = {},
): Promise<Answer> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
      ...(from && { 'x-forwarded-for': from }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** An HTTP/1.1 answer as read off a raw socket: its status, lower-cased headers and body text. */
export function parseRawAnswer(raw: string): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const at = raw.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = (at < 0 ? raw : raw.slice(0, at)).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: at < 0 ? '' : raw.slice(at + 4),
  };
}

/** How many answers had each status, e.g. { 401: 10, 429: 50 }. */
export function countStatuses(answers: readonly Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** Makes a user through the command line, as an operator would. */
export async function createUserByCli(
  env: Record<string, string>,
  username: string,
  password: string,
  role: 'user' | 'admin' = 'user',
): Promise<void> {
  const made = await runCli(
    ['create-user', '--username', username, '--password', password, '--role', role],
    env,
  );
  if (made.code !== 0) throw new Error(`create-user ${username} failed: ${made.stderr}`);
}

export async function accessTokenOf(
  server: RunningServer,
  username: string,
  password: string,
): Promise<string> {
  const answer = await call(server, 'POST', '/auth/', { body: { username, password } });
  if (answer.status !== 201) throw new Error(`login of ${username}: ${answer.status}`);
  return String(answer.body.access_token);
}

export async function stopServers(...servers: (RunningServer | undefined)[]): Promise<void> {
  for (const server of servers) server?.child.kill('SIGTERM');
  await Promise.all(servers.map((server) => server?.exited));
}

export interface CliUser {
  readonly username: string;
  readonly password: string;
  readonly role?: 'user' | 'admin';
  /** Settings of the command that makes this user only (a slower hash, say). */
  readonly settings?: Record<string, string>;
}

/** Production servers on a fresh database; as a server itself it stands for the first of them. */
export interface ProductionServers extends RunningServer {
  readonly env: Record<string, string>;
  readonly servers: readonly RunningServer[];
}

/**
 * For a describe block: before its tests, a fresh database (SQLite file or PostgreSQL schema),
 * these users made by the command line, and `count` production servers on it; after them, the
 * servers stopped and the database dropped.
 */
export function productionServers(options: {
  readonly settings?: Record<string, string>;
  readonly users?: readonly CliUser[];
  readonly count?: number;
}): ProductionServers {
  let state: { env: Record<string, string>; servers: RunningServer[] } | undefined;
  let database: TestDatabase | undefined;
  const started = () => {
    if (state === undefined) throw new Error('the servers start in the before hook');
    return state;
  };
  const first = (): RunningServer => {
    const [server] = started().servers;
    if (server === undefined) throw new Error('no server was started');
    return server;
  };
  before(async () => {
    database = await tempDatabase();
    const env = productionSettings(database.url, options.settings);
    for (const user of options.users ?? []) {
      await createUserByCli({ ...env, ...user.settings }, user.username, user.password, user.role);
    }
    const servers = await Promise.all(
      Array.from({ length: options.count ?? 1 }, () => startServer(env)),
    );
    state = { env, servers };
  });
  after(async () => {
    await stopServers(...(state?.servers ?? []));
    await database?.drop();
  });
  return {
    get env() {
      return started().env;
    },
    get servers() {
      return started().servers;
    },
    get child() {
      return first().child;
    },
    get baseUrl() {
      return first().baseUrl;
    },
    get exited() {
      return first().exited;
    },
    logs: () => first().logs(),
  };
}
