// CI: a server on SQLite with METRICS_TOKEN answers a few requests; its /metrics scrape must pass
// `promtool check metrics` (Debian package prometheus) with no error and no lint warning.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openPreparedDatabase } from '../src/db/prepare.js';

const EXPECTED_FAMILIES = [
  'process_cpu_seconds_total',
  'nodejs_heap_size_used_bytes',
  'http_request_duration_seconds',
  'response_cache_hits_total',
  'response_cache_misses_total',
  'response_cache_entries',
  'response_cache_bytes',
  'auth_failed_logins_total',
  'auth_blocked_attempts_total',
  'auth_refresh_token_reuse_total',
];

function fail(message: string): never {
  console.error(`check-metrics: ${message}`);
  process.exit(1);
}

const token = randomBytes(32).toString('hex');
const config = loadConfig({
  NODE_ENV: 'test',
  DATABASE_URL: 'sqlite::memory:',
  JWT_SECRET: randomBytes(48).toString('base64url'),
  PBKDF2_ITERATIONS: '1000',
  CATALOG_READ: 'public',
  LOG_LEVEL: 'warn',
  METRICS_TOKEN: token,
});
const database = await openPreparedDatabase(config);
const app = await buildApp({ config, db: database.db });
app.addHook('onClose', () => database.db.destroy());

let scrape: string;
try {
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const send = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
  const json = (method: string, body: unknown): RequestInit => ({
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  // Every kind of answer once: hits and misses, a route pattern, an unknown path, auth refusals.
  for (const path of ['/health', '/ready', '/movies/', '/movies/', '/movies/1', '/movies/999999']) {
    await send(path);
  }
  await send('/no/such/path');
  await send('/auth/', json('POST', { username: 'nobody', password: 'wrong-password' }));
  await send('/auth/', json('PUT', { refresh_token: 'not-a-token' }));
  await send('/metrics');

  const response = await send('/metrics', { headers: { authorization: `Bearer ${token}` } });
  scrape = await response.text();
  if (response.status !== 200) fail(`GET /metrics answered ${response.status}: ${scrape}`);
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/plain; version=0.0.4')) fail(`unexpected content type ${type}`);
} finally {
  await app.close();
}

const missing = EXPECTED_FAMILIES.filter((family) => !scrape.includes(`# TYPE ${family} `));
if (missing.length > 0) fail(`the scrape lacks ${missing.join(', ')}`);
if (!scrape.includes('route="/movies/:id"')) fail('no request series for route /movies/:id');

const promtool = spawnSync('promtool', ['check', 'metrics'], { input: scrape, encoding: 'utf8' });
if (promtool.error) {
  fail(`promtool did not run (${promtool.error.message}); install Debian's prometheus package`);
}
// promtool exits 0 only when clean; any line it prints (a lint warning too) is a failure.
const report = `${promtool.stdout}${promtool.stderr}`.trim();
if (promtool.status !== 0 || report !== '') {
  fail(`promtool check metrics (exit ${promtool.status}):\n${report}`);
}
const series = scrape.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
console.log(`check-metrics: promtool found no problem in ${series} series`);
