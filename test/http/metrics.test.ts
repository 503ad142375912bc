import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tokens } from '../helpers.js';
import {
  apiOf,
  bearer,
  buildTestApp,
  createUser,
  errorBody,
  onPostgres,
  signedIn,
  type TestContext,
} from '../helpers.js';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

function parseSamples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      assert.ok(match, `a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, name = '', value = ''] of (match[2] ?? '').matchAll(
        /(\w+)="((?:[^"\\]|\\.)*)"/g,
      )) {
        labels[name] = value;
      }
      return { name: match[1] ?? '', labels, value: Number(match[3]) };
    });
}

/** The sum of the samples of one name whose labels include these; undefined when there are none. */
function valueOf(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const matching = parseSamples(text).filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  return matching.length === 0 ? undefined : matching.reduce((sum, s) => sum + s.value, 0);
}

const familiesOf = (text: string): Set<string> =>
  new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1] ?? ''));

// The app's own series; the process defaults come and go with what the runtime does.
const appSeriesCount = (text: string): number =>
  parseSamples(text).filter((s) => !/^(process|nodejs)_/.test(s.name)).length;

let ctx: TestContext;
let reader: Record<string, string>;

before(async () => {
  ctx = await buildTestApp({
    METRICS_TOKEN,
    LOGIN_MAX_FAILURES_PER_USERNAME: '2',
    REGISTRATIONS_PER_MINUTE: '2',
    HASH_QUEUE_PER_CLIENT: '1',
  });
  reader = (await signedIn(ctx, 'metrics-reader')).headers;
});
after(() => ctx.app.close());

async function scrape(app: TestContext['app'] = ctx.app): Promise<string> {
  const response = await apiOf(app).as(METRICS_TOKEN).get('/metrics');
  assert.equal(response.statusCode, 200, response.body);
  return response.body;
}

const counter = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
  const value = valueOf(await scrape(), name, labels);
  assert.ok(value !== undefined, `${name} ${JSON.stringify(labels)} is reported`);
  return value;
};

const loginAs = (username: string, password: string, remoteAddress: string) =>
  ctx.api.post('/auth/', { username, password }, { remoteAddress });

describe('GET /metrics without METRICS_TOKEN', () => {
  it('When no token is configured, then /metrics is an unknown route (404) whatever is sent', async () => {
    const off = await buildTestApp();
    try {
      for (const headers of [{}, bearer(METRICS_TOKEN), bearer('')]) {
        const response = await off.api.with(headers).get('/metrics');
        assert.equal(response.statusCode, 404);
        assert.equal(errorBody(response).code, 'not_found');
      }
      const post = await off.api.post('/metrics');
      assert.equal(post.statusCode, 404, 'not even a 405: no such path');
    } finally {
      await off.app.close();
    }
  });
});

describe('GET /metrics: who may read it', () => {
  it('When no Authorization is sent, then 401 with the error body and WWW-Authenticate: Bearer', async () => {
    const response = await ctx.api.get('/metrics');
    assert.equal(response.statusCode, 401);
    assert.equal(errorBody(response).code, 'unauthorized');
    assert.equal(response.headers['www-authenticate'], 'Bearer');
    assert.match(String(response.headers['content-type']), /^application\/json/);
  });

  it('When another scheme is used, then 401 with WWW-Authenticate: Bearer', async () => {
    const basic = Buffer.from(`metrics:${METRICS_TOKEN}`).toString('base64');
    for (const authorization of [`Basic ${basic}`, METRICS_TOKEN]) {
      const response = await ctx.api.with({ authorization }).get('/metrics');
      assert.equal(response.statusCode, 401, authorization);
      assert.equal(errorBody(response).code, 'unauthorized');
      assert.equal(response.headers['www-authenticate'], 'Bearer');
    }
  });

  it('When a wrong, empty, near-miss token or a user access token is sent, then 401 invalid_token', async () => {
    const wrong = [
      '',
      'wrong-token-wrong-token-wrong-token',
      METRICS_TOKEN.slice(0, -1),
      `${METRICS_TOKEN}0`,
      METRICS_TOKEN.toUpperCase(),
      String(reader.authorization).replace(/^Bearer /, ''),
    ];
    for (const token of wrong) {
      const response = await ctx.api.as(token).get('/metrics');
      assert.equal(response.statusCode, 401, token);
      assert.equal(errorBody(response).code, 'unauthorized');
      assert.equal(response.headers['www-authenticate'], 'Bearer error="invalid_token"');
      assert.doesNotMatch(response.body, /_total|# HELP/);
    }
  });

  it('When the right token is sent, then 200 in the Prometheus text format, never cached', async () => {
    const response = await ctx.api
      .with({ authorization: `bearer  ${METRICS_TOKEN} ` })
      .get('/metrics/');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], PROMETHEUS_TEXT);
    assert.equal(response.headers['cache-control'], 'no-store');
    const scraped = (body: string) =>
      valueOf(body, 'http_request_duration_seconds_count', {
        route: '/metrics',
        status_class: '2xx',
      }) ?? 0;
    const first = scraped(await scrape());
    const second = scraped(await scrape());
    assert.ok(first >= 1);
    assert.equal(second, first + 1, 'each scrape is counted afresh, not served from a cache');
  });

  it('When the OpenAPI document is read, then /metrics is not in it', async () => {
    const document = await ctx.api.get('/openapi.json');
    const paths = Object.keys(document.json<{ paths: Record<string, unknown> }>().paths);
    assert.ok(paths.includes('/health'));
    assert.ok(!paths.some((path) => path.startsWith('/metrics')), paths.join(' '));
  });
});

describe('GET /metrics: what it reports', () => {
  it('When scraped, then every metric family is there, and the pool only on PostgreSQL', async () => {
    const families = familiesOf(await scrape());
    const expected = [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
      'http_request_duration_seconds',
      'response_cache_hits_total',
      'response_cache_misses_total',
      'response_cache_entries',
      'response_cache_bytes',
      'auth_failed_logins_total',
      'auth_blocked_attempts_total',
      'auth_refresh_token_reuse_total',
    ];
    for (const family of expected) assert.ok(families.has(family), family);
    const pool = [
      'db_pool_connections_in_use',
      'db_pool_connections_idle',
      'db_pool_waiting_requests',
    ];
    for (const family of pool) assert.equal(families.has(family), onPostgres, family);
  });

  it('When a movie id is asked for, then the route pattern is reported, never the URL', async () => {
    const response = await ctx.api.with(reader).get('/movies/12345');
    assert.equal(response.statusCode, 404);
    const text = await scrape();
    const labels = { method: 'GET', route: '/movies/:id', status_class: '4xx' };
    assert.ok((valueOf(text, 'http_request_duration_seconds_count', labels) ?? 0) >= 1);
    assert.ok((valueOf(text, 'http_request_duration_seconds_sum', labels) ?? -1) >= 0);
    assert.doesNotMatch(text, /12345/);
  });

  it('When thousands of unique unknown URLs are asked for, then the series count does not grow', async () => {
    const urls = (i: number) => [
      `/no-such-${i}-${Math.random().toString(36).slice(2)}`,
      `/movies/${i}/extra-${i}`,
      `/health/${i}?x=${i}`,
    ];
    for (const url of urls(0)) await ctx.api.with(reader).get(url);
    const before = await scrape();
    const unmatchedBefore =
      valueOf(before, 'http_request_duration_seconds_count', { route: 'unmatched' }) ?? 0;
    const sent: string[] = [];
    for (let i = 1; i <= 1000; i += 1) {
      for (const url of urls(i)) {
        sent.push(url);
        const response = await ctx.api.with(reader).get(url);
        assert.equal(response.statusCode, 404, url);
      }
    }
    const afterwards = await scrape();
    assert.equal(appSeriesCount(afterwards), appSeriesCount(before));
    assert.equal(
      valueOf(afterwards, 'http_request_duration_seconds_count', { route: 'unmatched' }),
      unmatchedBefore + sent.length,
    );
    assert.ok(!sent.some((url) => afterwards.includes(url.split('?')[0] ?? url)));
  });

  it('When catalog reads are answered, then the cache hit and miss counters and its size move', async () => {
    ctx.app.catalogCache?.invalidate();
    const before = await scrape();
    const hits = valueOf(before, 'response_cache_hits_total') ?? -1;
    const misses = valueOf(before, 'response_cache_misses_total') ?? -1;
    assert.equal(valueOf(before, 'response_cache_entries'), 0);
    const read = () => ctx.api.with(reader).get('/genres/?per_page=7');
    assert.equal((await read()).statusCode, 200);
    const afterMiss = await scrape();
    assert.equal(valueOf(afterMiss, 'response_cache_misses_total'), misses + 1);
    assert.equal(valueOf(afterMiss, 'response_cache_hits_total'), hits);
    assert.equal(valueOf(afterMiss, 'response_cache_entries'), 1);
    assert.ok((valueOf(afterMiss, 'response_cache_bytes') ?? 0) > 0);
    assert.equal((await read()).statusCode, 200);
    assert.equal(await counter('response_cache_hits_total'), hits + 1);
    assert.equal(await counter('response_cache_misses_total'), misses + 1);
  });

  it('When logins fail and then get blocked, then the failed-login and block counters move', async () => {
    await createUser(ctx, 'metrics-victim', 'the-right-password');
    const address = '198.51.100.7';
    const failed = await counter('auth_failed_logins_total');
    const blocked = await counter('auth_blocked_attempts_total', { reason: 'login' });
    for (let i = 0; i < 2; i += 1) {
      assert.equal((await loginAs('metrics-victim', 'wrong-password', address)).statusCode, 401);
    }
    assert.equal(await counter('auth_failed_logins_total'), failed + 2);
    const refused = await loginAs('metrics-victim', 'the-right-password', address);
    assert.equal(refused.statusCode, 429);
    assert.equal(await counter('auth_blocked_attempts_total', { reason: 'login' }), blocked + 1);
    assert.equal(
      await counter('auth_failed_logins_total'),
      failed + 2,
      'a blocked try is no check',
    );
    const unknown = await loginAs('metrics-nobody', 'whatever-password', address);
    assert.equal(unknown.statusCode, 401);
    assert.equal(await counter('auth_failed_logins_total'), failed + 3);
  });

  it('When registrations pass the limit, then the registration block counter moves', async () => {
    const blocked = await counter('auth_blocked_attempts_total', { reason: 'registration' });
    const register = (username: string) =>
      ctx.api.post(
        '/users/',
        { username, password: 'a-good-password' },
        { remoteAddress: '198.51.100.8' },
      );
    assert.equal((await register('metrics-new-1')).statusCode, 201);
    assert.equal((await register('metrics-new-2')).statusCode, 201);
    assert.equal((await register('metrics-new-3')).statusCode, 429);
    assert.equal(
      await counter('auth_blocked_attempts_total', { reason: 'registration' }),
      blocked + 1,
    );
  });

  it('When one client sends many password checks at once, then each hash-gate refusal is counted', async () => {
    await createUser(ctx, 'metrics-burst', 'the-right-password');
    const before = await scrape();
    const gate = valueOf(before, 'auth_blocked_attempts_total', { reason: 'hash_gate' }) ?? -1;
    const login = valueOf(before, 'auth_blocked_attempts_total', { reason: 'login' }) ?? -1;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        loginAs('metrics-burst', 'the-right-password', '198.51.100.9'),
      ),
    );
    const refusals = answers.filter((answer) => answer.statusCode === 429);
    const busy = refusals.filter((answer) =>
      /are waiting from this client/.test(errorBody(answer).message),
    );
    assert.ok(busy.length >= 1, 'some checks waited on the hash gate');
    const afterwards = await scrape();
    assert.equal(
      valueOf(afterwards, 'auth_blocked_attempts_total', { reason: 'hash_gate' }),
      gate + busy.length,
    );
    assert.equal(
      valueOf(afterwards, 'auth_blocked_attempts_total', { reason: 'login' }),
      login + refusals.length - busy.length,
    );
  });

  it('When a retired refresh token is replayed, then the reuse counter moves; a double submit does not', async () => {
    const { tokens } = await signedIn(ctx, 'metrics-refresher');
    const refresh = (token: string) => ctx.api.put('/auth/', { refresh_token: token });
    const reuses = await counter('auth_refresh_token_reuse_total');
    const second = (await refresh(tokens.refresh_token)).json<Tokens>();
    assert.equal((await refresh(tokens.refresh_token)).statusCode, 201, 'within the grace period');
    assert.equal(await counter('auth_refresh_token_reuse_total'), reuses);
    assert.equal((await refresh(second.refresh_token)).statusCode, 201);
    const replay = await refresh(tokens.refresh_token);
    assert.equal(replay.statusCode, 401);
    assert.equal(await counter('auth_refresh_token_reuse_total'), reuses + 1);
    assert.equal((await refresh('not-a-token')).statusCode, 401);
    assert.equal(
      await counter('auth_refresh_token_reuse_total'),
      reuses + 1,
      'garbage is no reuse',
    );
  });

  it('When two apps run in one process, then each reports its own counts', async () => {
    const other = await buildTestApp({ METRICS_TOKEN });
    try {
      assert.equal(valueOf(await scrape(other.app), 'auth_failed_logins_total'), 0);
      assert.ok((await counter('auth_failed_logins_total')) > 0);
    } finally {
      await other.app.close();
    }
  });

  it(
    'When PostgreSQL connections are all taken, then in use, idle and waiting say so',
    {
      skip: !onPostgres && 'SQLite has no pool',
    },
    async () => {
      // No version polls: they would take a connection now and then.
      const small = await buildTestApp({
        METRICS_TOKEN,
        DATABASE_POOL_SIZE: '2',
        CATALOG_POLL_MS: '3600000',
      });
      try {
        const usage = async () => {
          const text = await scrape(small.app);
          return {
            inUse: valueOf(text, 'db_pool_connections_in_use'),
            idle: valueOf(text, 'db_pool_connections_idle'),
            waiting: valueOf(text, 'db_pool_waiting_requests') ?? -1,
          };
        };
        let queued: Promise<unknown> = Promise.resolve();
        await small.db.connection().execute(async () => {
          await small.db.connection().execute(async () => {
            queued = small.db.selectFrom('genres').select('id').execute();
            const held = await usage();
            assert.equal(held.inUse, 2);
            assert.equal(held.idle, 0);
            assert.ok(held.waiting >= 1, `waiting ${held.waiting}`);
          });
        });
        await queued;
        const released = await usage();
        // The cache's version read (when LISTEN connects) may hold one connection a moment.
        assert.ok((released.idle ?? 0) >= 1, `idle ${released.idle}`);
        assert.equal((released.inUse ?? 0) + (released.idle ?? 0), 2);
        assert.equal(released.waiting, 0);
      } finally {
        await small.app.close();
      }
    },
  );
});
