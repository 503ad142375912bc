// The scale cases, run after the others or alone with npm run bench -- --scale-only.
import { table } from './measure.js';
import { explainScaleQueries } from './plans.js';
import { generateMovies } from './generate-movies.js';
import { peakRssMb } from './processes.js';
import { SCALE_QUERIES } from './scale-queries.js';
import { createUser, login, SECONDS, serviceEnv, startService } from './service.js';
import { measure, type LoadCase } from './wrk.js';

const SCALE_MOVIES = Number(process.env.BENCH_SCALE_MOVIES ?? 1_000_000);

/** A catalog of SCALE_MOVIES generated movies: latency at 8 connections, peak RSS, plans. */
export async function scaleCase(databaseUrl: string, label: string): Promise<string[]> {
  await generateMovies(databaseUrl, SCALE_MOVIES);
  // Unknown parameters no longer change the cache key, so the cache is switched off instead:
  // every answer comes from the database.
  const env = { ...serviceEnv, DATABASE_URL: databaseUrl, RESPONSE_CACHE_MB: '0' };
  const credentials = { username: 'scale-reader', password: 'scale-reader-password' };
  await createUser(env, credentials);
  const service = await startService(env);
  try {
    const token = await login(service.url, credentials);
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const rows: (string | number)[][] = [];
    for (const query of SCALE_QUERIES) {
      const load: LoadCase = {
        name: query.name,
        connections: 8,
        headers: { authorization: `Bearer ${token}` },
        // Random URLs sent in turn, each with a unique, ignored parameter, as a client's
        // cache-buster would be.
        requests: Array.from({ length: 5_000 }, () => {
          const url = query.url(random);
          return { method: 'GET', path: `${url}${url.includes('?') ? '&' : '?'}_={n}` };
        }),
      };
      const result = await measure(service.url, load, SECONDS);
      rows.push([
        query.name,
        result.rps,
        result.p50,
        result.p99,
        result.refused + result.errors,
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
          '≥ 400 + errors',
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
