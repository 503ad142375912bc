// npm run bench -- --phases: where one uncached answer's time goes, from timers. The service runs
// with the response cache off and bench/phase-timer.mjs, which times each request through the
// diagnostics channels of node:http and Fastify; the steps inside the handler are timed alone.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../src/db/database.js';
import { entityTagOf } from '../src/http/conditional-get.js';
import { selectMoviePage } from '../src/modules/movies/list-query.js';
import { createMovieService } from '../src/modules/movies/service.js';
import { table } from './measure.js';
import type { Started } from './processes.js';
import { folder, login, serviceEnv, startService, users } from './service.js';
import { measure } from './wrk.js';

const PHASE_FILE = join(folder, 'phases.json');

interface PhaseMedians {
  count: number;
  toHandler: number;
  toHeaders: number;
  write: number;
  total: number;
}

async function readPhases(service: Started): Promise<PhaseMedians> {
  rmSync(PHASE_FILE, { force: true });
  service.child.kill('SIGUSR2');
  for (let waited = 0; ; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    try {
      return JSON.parse(readFileSync(PHASE_FILE, 'utf8')) as PhaseMedians;
    } catch (error) {
      if (waited > 10_000) throw error;
    }
  }
}

/** Median microseconds of `step` over `times` runs, after as many to warm up. */
async function timed(times: number, step: () => unknown): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < times * 2; i += 1) {
    const start = performance.now();
    await step();
    if (i >= times) runs.push((performance.now() - start) * 1000);
  }
  runs.sort((a, b) => a - b);
  return Math.round(runs[Math.floor(runs.length / 2)] ?? 0);
}

async function stepsOfTheList(databaseUrl: string, body: Buffer): Promise<(string | number)[][]> {
  const { db } = openDatabase(databaseUrl, { readonly: true });
  try {
    const order = [{ key: 'id', descending: false }] as const;
    const query = selectMoviePage(db, 'sqlite', {}, [...order], 0, 21);
    const movies = createMovieService(db, 'sqlite');
    const window = { offset: 0, limit: 20, perPage: 20, page: 1, after: undefined };
    return [
      [
        "the service's list: the query, the page and its links, the first 20 of the JSON",
        await timed(2000, () => movies.list({}, [...order], window, { count: false })),
      ],
      [
        'the page query through Kysely (21 rows: one more tells whether a next page exists)',
        await timed(2000, () => db.executeQuery(query)),
      ],
      [
        'the ETag: SHA-256 of the 17 KB body',
        await timed(2000, () => entityTagOf(body, undefined, undefined)),
      ],
    ];
  } finally {
    await db.destroy();
  }
}

export async function phasesCase(report: string[], seconds: number): Promise<void> {
  const env = { ...serviceEnv, RESPONSE_CACHE_MB: '0', BENCH_PHASE_FILE: PHASE_FILE };
  const service = await startService(env, ['--import', './bench/phase-timer.mjs']);
  try {
    const token = await login(service.url, users.user);
    const headers = { authorization: `Bearer ${token}` };
    const rows: (string | number)[][] = [];
    for (const path of ['/movies/', '/movies/1']) {
      const load = { name: path, connections: 1, headers, requests: [{ method: 'GET', path }] };
      await measure(service.url, load, 1);
      await readPhases(service);
      const alone = await measure(service.url, load, seconds);
      const phases = await readPhases(service);
      const busy = await measure(service.url, { ...load, connections: 32 }, seconds);
      rows.push([
        path,
        phases.toHandler,
        phases.toHeaders,
        phases.write,
        phases.total,
        Math.round(1e6 / alone.rps),
        Math.round(1e6 / busy.rps),
      ]);
    }
    const body = Buffer.from(
      await (await fetch(`${service.url}/movies/`, { headers })).arrayBuffer(),
    );
    report.push(
      '### One uncached answer, phase by phase (medians, µs)',
      '',
      table(
        [
          'GET, cache off',
          'to the handler: turn, routing, hooks, token, validation',
          'handler to head: service, query, onSend hooks, ETag',
          'head to written: the socket write',
          'request to written',
          'round trip, 1 conn',
          'per answer at 32 conn',
        ],
        rows,
      ),
      '',
      table(
        ['step of GET /movies/, alone', 'µs'],
        await stepsOfTheList(serviceEnv.DATABASE_URL, body),
      ),
    );
  } finally {
    await service.stop();
  }
}
