// How long another instance takes to serve a write: two server processes on one PostgreSQL
// database, a writer changing a movie on A, a reader polling the same URL on B.
// Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> npx tsx bench/cross-instance.ts
// Bounded: about 20 s of writes; it works in a schema of its own and drops it at the end.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runToEnd, startListening, type Started } from './processes.js';

const DATABASE_URL = process.env.DATABASE_URL ?? '';
const LISTENING_SECONDS = 10;
const LISTENING_WRITES = 400;
const POLLING_SECONDS = 8;
const POLLING_WRITES = 40;
const GIVE_UP_MS = 3000;
const MOVIE = '/movies/7';

async function inAdminClient(work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

function serverEnv(databaseUrl: string, extra: Record<string, string> = {}) {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: 'cross-instance-bench-secret-cross-instance',
    PBKDF2_ITERATIONS: '1000',
    CATALOG_READ: 'public',
    LOG_LEVEL: 'info',
    PORT: '0',
    ...extra,
  };
}

const startServer = (env: Record<string, string>) =>
  startListening(
    process.execPath,
    ['--import', 'tsx', 'src/server.ts'],
    env,
    /Server listening at http:\/\/127\.0\.0\.1:(\d+)/,
  );

async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/auth/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench-writer', password: 'bench-writer-password' }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

const readRating = async (url: string): Promise<number> =>
  ((await (await fetch(`${url}${MOVIE}`)).json()) as { rating: number }).rating;

/** Writes on `writer` until the count or the time runs out; each delay is ack → first read of the value on `reader`. */
async function measureDelays(
  writer: string,
  reader: string,
  token: string,
  writes: number,
  seconds: number,
  firstRating: number,
): Promise<{ delays: number[]; missed: number }> {
  const firstSeen = new Map<number, number>();
  let reading = true;
  const readerLoop = (async () => {
    while (reading) {
      const rating = await readRating(reader);
      if (!firstSeen.has(rating)) firstSeen.set(rating, performance.now());
    }
  })();
  const delays: number[] = [];
  let missed = 0;
  const stopAt = performance.now() + seconds * 1000;
  for (let i = 0; i < writes && performance.now() < stopAt; i += 1) {
    const rating = Math.round((firstRating + i * 0.01) * 100) / 100;
    const response = await fetch(`${writer}${MOVIE}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ rating }),
    });
    if (response.status !== 204) throw new Error(`write failed: ${response.status}`);
    const acknowledged = performance.now();
    while (!firstSeen.has(rating) && performance.now() - acknowledged < GIVE_UP_MS) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const seen = firstSeen.get(rating);
    if (seen === undefined) missed += 1;
    else delays.push(Math.max(0, seen - acknowledged));
    // Let the reader cache the new value again before the next write.
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
  }
  reading = false;
  await readerLoop;
  return { delays, missed };
}

function summary(label: string, { delays, missed }: { delays: number[]; missed: number }) {
  const sorted = [...delays].sort((a, b) => a - b);
  const at = (share: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? NaN;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return `| ${label} | ${delays.length} | ${ms(at(0.5))} | ${ms(at(0.99))} | ${ms(sorted.at(-1) ?? NaN)} | ${missed} |`;
}

async function main(): Promise<void> {
  if (!DATABASE_URL.startsWith('postgres')) {
    throw new Error('set DATABASE_URL=postgres://… (a schema of its own is created and dropped)');
  }
  const schema = `cross_instance_${randomBytes(6).toString('hex')}`;
  await inAdminClient((client) => client.query(`create schema ${schema}`));
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const databaseUrl = url.toString();
  const servers: Started[] = [];
  try {
    await runToEnd(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'create-user', '--username', 'bench-writer'].concat([
        '--password',
        'bench-writer-password',
        '--role',
        'admin',
      ]),
      serverEnv(databaseUrl),
    );
    const [writer, listening, polling] = await Promise.all([
      startServer(serverEnv(databaseUrl)),
      startServer(serverEnv(databaseUrl)),
      // Its listener cannot connect: it learns of writes by the version poll alone (every 500 ms).
      startServer(serverEnv(databaseUrl, { DATABASE_LISTEN_URL: 'postgres://127.0.0.1:1/none' })),
    ]);
    servers.push(writer, listening, polling);
    while (!listening.output().includes('catalog changes: listening')) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const token = await login(writer.url);
    const viaNotify = await measureDelays(
      writer.url,
      listening.url,
      token,
      LISTENING_WRITES,
      LISTENING_SECONDS,
      1,
    );
    const viaPoll = await measureDelays(
      writer.url,
      polling.url,
      token,
      POLLING_WRITES,
      POLLING_SECONDS,
      6,
    );
    console.log(
      [
        'Write acknowledged on A → first read on B that serves it (B polls GET /movies/7 in a loop):',
        '',
        '| B learns of writes by | writes | p50 | p99 | max | not seen within 3 s |',
        '|---|---|---|---|---|---|',
        summary('LISTEN/NOTIFY', viaNotify),
        summary('version poll only (500 ms)', viaPoll),
      ].join('\n'),
    );
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await inAdminClient((client) => client.query(`drop schema ${schema} cascade`));
  }
}

await main();
