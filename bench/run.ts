// npm run bench: the service against a bare node:http baseline, side by side, on loopback.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedResponse } from './baseline-server.js';
import { measure, table, type LoadCase, type Measurement } from './measure.js';
import { runToEnd, startListening, type Started } from './processes.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const folder = mkdtempSync(join(tmpdir(), 'movies-bench-'));
const serviceEnv = {
  NODE_ENV: 'production',
  DATABASE_URL: `sqlite:${join(folder, 'movies.db')}`,
  JWT_SECRET: randomBytes(48).toString('base64'),
  BENCH_LOOP_FILE: join(folder, 'loop.json'),
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

const KEPT_HEADERS = new Set([
  'content-type',
  'link',
  'location',
  'cache-control',
  'www-authenticate',
]);

async function record(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RecordedResponse> {
  const response = await fetch(`${url}${path}`, { method, headers, body });
  const kept: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (
      KEPT_HEADERS.has(name) ||
      name.startsWith('x-') ||
      name.includes('policy') ||
      name.startsWith('strict') ||
      name.startsWith('origin') ||
      name.startsWith('referrer')
    )
      kept[name] = value;
  });
  const authorized = headers.authorization !== undefined;
  return {
    method,
    path,
    authorized,
    status: response.status,
    headers: kept,
    body: await response.text(),
  };
}

function caseList(userToken: string, adminToken: string): LoadCase[] {
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

async function main(): Promise<void> {
  console.log(
    `benchmark on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, ${SECONDS}s per measurement`,
  );
  await runToEnd('npm', ['run', 'build', '--silent'], { ...process.env } as Record<string, string>);
  for (const [role, credentials] of Object.entries(users)) {
    const args = [
      'dist/cli.js',
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
  const service = await startService();
  let baseline: Started | undefined;
  try {
    const userToken = await login(service.url, users.user);
    const adminToken = await login(service.url, users.admin);
    const cases = caseList(userToken, adminToken);
    const recordingFile = join(folder, 'recording.json');
    writeFileSync(recordingFile, JSON.stringify(await recordAll(service.url, cases, adminToken)));
    baseline = await startListening(
      process.execPath,
      ['--import', 'tsx', 'bench/baseline-server.ts', recordingFile],
      {},
      /baseline listening on (\d+)/,
    );

    const rows: (string | number)[][] = [];
    for (const [index, load] of cases.entries()) {
      // Alternate who goes first, so neither always runs on a warmer or cooler machine.
      const order: [string, Started][] =
        index % 2 === 0
          ? [
              ['service', service],
              ['baseline', baseline],
            ]
          : [
              ['baseline', baseline],
              ['service', service],
            ];
      const results: Record<string, Measurement> = {};
      for (const [label, target] of order)
        results[label] = await measure(target.url, load, SECONDS);
      const s = results.service as Measurement;
      const b = results.baseline as Measurement;
      rows.push([
        load.name,
        load.connections,
        s.rps,
        s.p50,
        s.p99,
        s.non2xx,
        b.rps,
        b.p50,
        b.p99,
        (s.rps / b.rps).toFixed(2),
      ]);
      console.log(
        `  ${load.name}: service ${s.rps} req/s (p99 ${s.p99} ms), baseline ${b.rps} req/s`,
      );
    }
    console.log(
      `\n${table(['case', 'conn', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'baseline req/s', 'baseline p50', 'baseline p99', 'ratio'], rows)}`,
    );
  } finally {
    await baseline?.stop();
    await service.stop();
  }
}

await main();
