// npm run bench: the service against a bare node:http baseline, side by side, on loopback.
import { spawn } from 'node:child_process';
import { pbkdf2, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { RecordedResponse } from './baseline-server.js';
import { measure, table, type LoadCase } from './measure.js';
import { explainScaleQueries } from './plans.js';
import { generateMovies } from './generate-movies.js';
import { peakRssMb, runToEnd, startListening, type Started } from './processes.js';
import { SCALE_QUERIES } from './scale-queries.js';
import { record, sideBySide, sideBySideTable, startBaseline } from './side-by-side.js';
import { sampleCatalog } from './catalog-sample.js';
import { mixedComparison } from './mixed-comparison.js';
import { soak } from './soak.js';
import { uncachedComparison } from './uncached.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const SCALE_MOVIES = Number(process.env.BENCH_SCALE_MOVIES ?? 1_000_000);
const folder = mkdtempSync(join(tmpdir(), 'movies-bench-'));
const serviceEnv = {
  NODE_ENV: 'production',
  DATABASE_URL: `sqlite:${join(folder, 'movies.db')}`,
  JWT_SECRET: randomBytes(48).toString('base64'),
  BENCH_LOOP_FILE: join(folder, 'loop.json'),
  // The login storm's 20 clients log in as one user from 127.0.0.1; each stands for a user and a
  // client of its own, so neither the per-client hashing bound nor the per-account count of
  // checks under way (10) may refuse them.
  HASH_CONCURRENCY_PER_CLIENT: '100',
  LOGIN_MAX_FAILURES_PER_USERNAME: '1000',
};
const users = {
  admin: { username: 'bench-admin', password: 'bench-admin-password' },
  user: { username: 'bench-user', password: 'bench-user-password' },
};

const startService = (env: Record<string, string> = serviceEnv) =>
  startListening(
    process.execPath,
    ['--import', './bench/loop-monitor.mjs', 'dist/server.js'],
    { ...env, PORT: '0' },
    /Server listening at http:\/\/127\.0\.0\.1:(\d+)/,
  );

async function login(
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

function caseList(userToken: string, adminToken: string, listTag: string): LoadCase[] {
  const auth = { authorization: `Bearer ${userToken}` };
  const json = { 'content-type': 'application/json' };
  const get = (name: string, path: string, headers: Record<string, string> = auth): LoadCase => ({
    name,
    connections: 32,
    headers,
    requests: [{ method: 'GET', path }],
  });
  let genreCounter = 0;
  return [
    get('GET /movies/', '/movies/'),
    get('GET /movies/1', '/movies/1'),
    get('GET /movies/?genre_id=4&year=2010', '/movies/?genre_id=4&year=2010'),
    get('GET /movies/?page=2&per_page=5', '/movies/?page=2&per_page=5'),
    get('GET /genres/', '/genres/'),
    // A client revalidating what it has: the same list, its ETag in If-None-Match (304, no body).
    get('GET /movies/ revalidated (304)', REVALIDATED_LIST, { ...auth, 'if-none-match': listTag }),
    get('GET /movies/ without a token (401)', '/movies/', {}),
    {
      name: 'POST /auth/ (right password)',
      connections: 4,
      headers: json,
      requests: [{ method: 'POST', path: '/auth/', body: JSON.stringify(users.user) }],
    },
    {
      name: 'admin POST + DELETE /genres/',
      connections: 8,
      headers: { ...json, authorization: `Bearer ${adminToken}` },
      requests: [
        {
          method: 'POST',
          path: '/genres/',
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({ name: `Bench genre ${process.pid}-${(genreCounter += 1)}` }),
          }),
          onResponse: (_status: number, body: string, context: object) => {
            (context as Record<string, unknown>).genreId = (JSON.parse(body) as { id?: number }).id;
          },
        },
        {
          method: 'DELETE',
          setupRequest: (request, context: object) => ({
            ...request,
            path: `/genres/${String((context as Record<string, unknown>).genreId)}`,
            body: undefined,
            headers: { authorization: `Bearer ${adminToken}` },
          }),
        },
      ],
    },
  ];
}

// An ignored parameter: the same answer and ETag as /movies/, a URL of its own for the baseline.
const REVALIDATED_LIST = '/movies/?_=revalidate';

async function entityTagOf(url: string, token: string): Promise<string> {
  const response = await fetch(`${url}${REVALIDATED_LIST}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const tag = response.headers.get('etag');
  if (response.status !== 200 || tag === null) throw new Error('GET /movies/ gave no ETag');
  return tag;
}

async function recordAll(
  url: string,
  cases: LoadCase[],
  adminToken: string,
): Promise<RecordedResponse[]> {
  const recordings: RecordedResponse[] = [];
  for (const load of cases) {
    const first = load.requests[0];
    if (!first?.method || !first.path) continue;
    const body =
      typeof first.body === 'string'
        ? first.body
        : first.method === 'POST'
          ? JSON.stringify({ name: 'Recorded genre' })
          : undefined;
    recordings.push(
      await record(
        url,
        first.method,
        first.path,
        (load.headers ?? {}) as Record<string, string>,
        body,
      ),
    );
  }
  const created = recordings.find((r) => r.method === 'POST' && r.path === '/genres/');
  if (created) {
    const id = (JSON.parse(created.body) as { id: number }).id;
    const deleted = await record(url, 'DELETE', `/genres/${id}`, {
      authorization: `Bearer ${adminToken}`,
    });
    recordings.push({ ...deleted, path: '/genres/*' });
  }
  return recordings;
}

async function readLoopDelay(service: Started): Promise<{ p50: number; p99: number; max: number }> {
  rmSync(serviceEnv.BENCH_LOOP_FILE, { force: true });
  service.child.kill('SIGUSR2');
  // A loaded machine may take a while to let the service write its figures.
  for (let waited = 0; ; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    try {
      return JSON.parse(readFileSync(serviceEnv.BENCH_LOOP_FILE, 'utf8')) as {
        p50: number;
        p99: number;
        max: number;
      };
    } catch (error) {
      if (waited > 10_000) throw error;
    }
  }
}

async function timeOneHash(): Promise<number> {
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const start = performance.now();
      pbkdf2('password', 'salt-salt-salt-1', 600_000, 32, 'sha256', (error) =>
        error ? reject(error) : resolve(performance.now() - start),
      );
    });
  const times = [await once(), await once(), await once()].sort((a, b) => a - b);
  return times[1] ?? 0;
}

/** Authorized reads at a steady rate, alone and then beside 20 clients logging in non-stop. */
async function loginStorm(service: Started, userToken: string): Promise<string[]> {
  const rate = 2000;
  const reads: LoadCase = {
    name: 'reads',
    connections: 8,
    headers: { authorization: `Bearer ${userToken}` },
    requests: [{ method: 'GET', path: '/movies/1' }],
  };
  const storm: LoadCase = {
    name: 'logins',
    connections: 20,
    headers: { 'content-type': 'application/json' },
    requests: [{ method: 'POST', path: '/auth/', body: JSON.stringify(users.user) }],
  };
  const hashMs = await timeOneHash();
  await readLoopDelay(service);
  const calm = await measure(service.url, reads, SECONDS, rate);
  const calmLoop = await readLoopDelay(service);
  const [stormy, logins] = await Promise.all([
    measure(service.url, reads, SECONDS, rate),
    measure(service.url, storm, SECONDS),
  ]);
  const stormLoop = await readLoopDelay(service);
  const ideal = (cpus().length * 1000) / hashMs;
  return [
    table(
      [
        `GET /movies/1 at ${rate} req/s, 8 conn`,
        'req/s',
        'p50 ms',
        'p99 ms',
        'loop delay p99 ms',
        'loop delay max ms',
        'logins/s (201)',
        'refused/s (429)',
      ],
      [
        ['reads alone', calm.rps, calm.p50, calm.p99, calmLoop.p99, calmLoop.max, '-', '-'],
        [
          'reads + 20 clients logging in',
          stormy.rps,
          stormy.p50,
          stormy.p99,
          stormLoop.p99,
          stormLoop.max,
          logins.okPerSecond,
          Math.round(logins.rps - logins.okPerSecond),
        ],
      ],
    ),
    '',
    `- reads p99 rose by ${(stormy.p99 - calm.p99).toFixed(1)} ms (target: less than 10 ms)`,
    `- one PBKDF2 hash (600,000 rounds) takes ${hashMs.toFixed(0)} ms here, so ${cpus().length} cores give at most ${ideal.toFixed(1)} logins/s; the storm made ${logins.okPerSecond}/s = ${((logins.okPerSecond / ideal) * 100).toFixed(0)}% (target: at least 80%; the others were refused at once with 429 by the per-client hashing bound)`,
  ];
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Time from spawning the server on an existing database to its first 200 from /ready. */
async function startupTimes(env: Record<string, string>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const port = await freePort();
    const started = performance.now();
    const child = spawn(process.execPath, ['dist/server.js'], {
      env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
      stdio: 'ignore',
    });
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined);
      if (ready?.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    times.push(Math.round(performance.now() - started));
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  return times;
}

/** A catalog of SCALE_MOVIES generated movies: latency at 8 connections, peak RSS, plans. */
async function scaleCase(databaseUrl: string, label: string): Promise<string[]> {
  await generateMovies(databaseUrl, SCALE_MOVIES);
  // Unknown parameters no longer change the cache key, so the cache is switched off instead:
  // every answer comes from the database.
  const env = { ...serviceEnv, DATABASE_URL: databaseUrl, RESPONSE_CACHE_MB: '0' };
  await runToEnd(
    process.execPath,
    [
      'dist/cli/main.js',
      'create-user',
      '--username',
      'scale-reader',
      '--password',
      'scale-reader-password',
    ],
    env,
  );
  const service = await startService(env);
  try {
    const token = await login(service.url, {
      username: 'scale-reader',
      password: 'scale-reader-password',
    });
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const rows: (string | number)[][] = [];
    let bust = 0;
    for (const query of SCALE_QUERIES) {
      const load: LoadCase = {
        name: query.name,
        connections: 8,
        headers: { authorization: `Bearer ${token}` },
        // A unique, ignored parameter too, as a client's cache-buster would be.
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => {
              const url = query.url(random);
              return { ...request, path: `${url}${url.includes('?') ? '&' : '?'}_=${(bust += 1)}` };
            },
          },
        ],
      };
      const result = await measure(service.url, load, SECONDS);
      rows.push([
        query.name,
        result.rps,
        result.p50,
        result.p99,
        result.non2xx,
        result.p99 < 20 ? 'met' : 'NOT met',
      ]);
      console.log(`  ${label} ${query.name}: ${result.rps} req/s, p99 ${result.p99} ms`);
    }
    const rss = peakRssMb(service.child.pid ?? 0);
    return [
      table(
        [
          `${label}, ${SCALE_MOVIES.toLocaleString('en')} movies, 8 conn`,
          'req/s',
          'p50 ms',
          'p99 ms',
          'non-2xx',
          'p99 < 20 ms',
        ],
        rows,
      ),
      '',
      `- server peak RSS: ${rss} MB (target: under 200 MB) — ${rss < 200 ? 'met' : 'NOT met'}`,
      '',
      'Plans (as the repository builds the queries):',
      '',
      '```',
      ...(await explainScaleQueries(databaseUrl)),
      '```',
    ];
  } finally {
    await service.stop();
  }
}

const SCALE_ONLY = process.argv.includes('--scale-only');
const SOAK = process.argv.includes('--soak');
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);

/** The mixed workload for SOAK_SECONDS against one service, its RSS sampled every 10 s. */
async function soakCase(report: string[]): Promise<void> {
  const service = await startService();
  try {
    const tokens = {
      user: await login(service.url, users.user),
      admin: await login(service.url, users.admin),
    };
    const sample = await sampleCatalog(service.url, tokens.user);
    report.push('### Soak', '', ...(await soak(service, sample, tokens, SOAK_SECONDS)));
  } finally {
    await service.stop();
  }
}

async function main(): Promise<void> {
  const report: string[] = [
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; client and servers share it. ${SECONDS} s per measurement.`,
    '',
  ];
  console.log(report[0]);
  await runToEnd('npm', ['run', 'build', '--silent'], { ...process.env } as Record<string, string>);
  for (const [role, credentials] of Object.entries(users)) {
    const args = [
      'dist/cli/main.js',
      'create-user',
      '--username',
      credentials.username,
      '--password',
      credentials.password,
    ];
    await runToEnd(
      process.execPath,
      role === 'admin' ? [...args, '--role', 'admin'] : args,
      serviceEnv,
    );
  }
  if (SOAK) {
    await soakCase(report);
    writeReport(report);
    return;
  }
  if (!SCALE_ONLY) {
    await mainCases(report);
    await uncachedCases(report);
  }
  if (!process.env.BENCH_SKIP_SQLITE_SCALE) {
    const sqlite = await scaleCase(`sqlite:${join(folder, 'scale.db')}`, 'SQLite');
    report.push('', '### Scale: SQLite', '', ...sqlite);
  }
  const postgres = process.env.DATABASE_URL;
  if (postgres?.startsWith('postgres')) {
    report.push('', '### Scale: PostgreSQL', '', ...(await scaleCase(postgres, 'PostgreSQL')));
  } else {
    report.push(
      '',
      '(PostgreSQL scale case skipped: set DATABASE_URL=postgres://… to an empty database to run it.)',
    );
  }
  writeReport(report);
}

function writeReport(report: string[]): void {
  const text = report.join('\n');
  const file = SOAK ? 'bench/results/soak.md' : 'bench/results/latest.md';
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(file, `${text}\n`);
  console.log(`\n${text}\n\n(also written to ${file})`);
}

/** The database path: a second service on the same database with RESPONSE_CACHE_MB=0. */
async function uncachedCases(report: string[]): Promise<void> {
  const service = await startService({ ...serviceEnv, RESPONSE_CACHE_MB: '0' });
  try {
    const token = await login(service.url, users.user);
    const sample = await sampleCatalog(service.url, token);
    report.push(
      '',
      '### Uncached (RESPONSE_CACHE_MB=0) against the baseline',
      '',
      ...(await uncachedComparison(service, sample, token, folder, SECONDS)),
    );
  } finally {
    await service.stop();
  }
}

/** The eight cases against the baseline, the login storm and the startup time. */
async function mainCases(report: string[]): Promise<void> {
  const service = await startService();
  let baseline: Started | undefined;
  try {
    const userToken = await login(service.url, users.user);
    const adminToken = await login(service.url, users.admin);
    const cases = caseList(userToken, adminToken, await entityTagOf(service.url, userToken));
    baseline = await startBaseline(
      folder,
      'recording',
      await recordAll(service.url, cases, adminToken),
    );
    const { rows } = await sideBySide(service, baseline, cases, SECONDS);
    await baseline.stop();
    const sample = await sampleCatalog(service.url, userToken);
    const tokens = { user: userToken, admin: adminToken };
    report.push(
      '### Service against the bare node:http baseline',
      '',
      sideBySideTable(rows),
      '',
      '### Mixed workload (response cache on) against the baseline replaying the same mix',
      '',
      ...(await mixedComparison(service, sample, tokens, folder, SECONDS)),
      '',
      '### Login storm',
      '',
      ...(await loginStorm(service, userToken)),
    );
  } finally {
    await baseline?.stop();
    await service.stop();
  }
  const startups = await startupTimes(serviceEnv);
  report.push(
    '',
    '### Startup',
    '',
    `- spawn to first 200 from /ready on an existing database: ${startups.join(', ')} ms (target: under 1000 ms)`,
  );
}

await main();
