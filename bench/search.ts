// Search at scale (issue 23): GET /movies/?search= on a catalog of generated movies, on SQLite or
// PostgreSQL. Reports the time the migration takes to build the search index for the movies
// already there, the index's size, and wrk's latency at 8 connections for one-word, two-word,
// prefix and typo searches, response cache off.
//
//   npx tsx bench/search.ts                                  (SQLite, a temporary file)
//   DATABASE_URL=postgres://…/<empty database> npx tsx bench/search.ts
//   BENCH_SCALE_MOVIES=100000 BENCH_SECONDS=5 …              (fewer movies, longer runs)
//   BENCH_REUSE=1 DATABASE_URL=…                             (a database an earlier run filled:
//                                                             no generating, no index build)
//
// Each search is also reported against a baseline measured in the same run: the plain list
// (`GET /movies/?per_page=12`, pages 1–4, no search), so figures from a loaded machine can still
// be compared by their ratios.
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { openPreparedDatabase } from '../src/db/prepare.js';
import * as searchWords from '../src/db/migrations/2026_12_07_011_search_words_in_one_place.js';
import * as searchFields from '../src/db/migrations/2026_12_07_012_search_fields_in_words.js';
import { generateMovies } from './generate-movies.js';
import { table } from './measure.js';
import { peakRssMb, runToEnd } from './processes.js';
import { createUser, folder, login, SECONDS, serviceEnv, startService } from './service.js';
import { measure } from './wrk.js';

const MOVIES = Number(process.env.BENCH_SCALE_MOVIES ?? 1_000_000);
const databaseUrl = process.env.DATABASE_URL ?? `sqlite:${join(folder, 'search.db')}`;
const postgres = databaseUrl.startsWith('postgres');
const REUSE = process.env.BENCH_REUSE === '1';
const BASELINE_PATHS = [1, 2, 3, 4].map((page) => `/movies/?per_page=12&page=${page}`);

// Generated titles are "фильм <n> <one of 12 words> <12 hex digits>", description "Generated".
const CASES: { name: string; searches: string[] }[] = [
  { name: 'one word, in 1 of 12 titles', searches: ['ветер', 'дорога', 'звезда', 'огонь'] },
  { name: 'one word, in every title', searches: ['фильм'] },
  { name: 'one word, in one title', searches: ['123457', '999001', '500500', '77777'] },
  { name: 'two words', searches: ['фильм ветер', 'звезда 1000', 'огонь 4242', 'ночь 123459'] },
  // Every title holds one of the 12 words: these two are each in 83,333 titles and never meet,
  // and finding that no title holds both reads both lists, once per tier.
  { name: 'two words, never together', searches: ['звезда море', 'ветер ночь'] },
  { name: 'prefix', searches: ['вет', 'доро', 'зв', 'ф', '12345'] },
  { name: 'one typo', searches: ['ветир', 'дорогп', 'звзеда', 'огонья'] },
  { name: 'typo + word', searches: ['ветир 31332', 'фильм звзеда'] },
  { name: 'no match', searches: ['шоушенк', 'qwerty'] },
  // Each director directs 1 in 20 generated movies and each genre holds 1 in 18; no title has them.
  { name: 'director or genre', searches: ['кубрик', 'тарантино', 'драма', 'вестерн'] },
];

async function indexFigures(): Promise<string[]> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, JWT_SECRET: 'x'.repeat(40) });
  await (await openPreparedDatabase(config)).db.destroy();
  // As migrations run: on a connection without the service's statement timeouts.
  const { db } = openDatabase(databaseUrl, { poolSize: 1, timeouts: false });
  try {
    // The migrations' own work on the movies already there: the index built again (SQLite's by
    // migration 011, PostgreSQL's by 012).
    const start = Date.now();
    await (postgres ? searchFields.up(db) : searchWords.up(db));
    const buildSeconds = (Date.now() - start) / 1000;
    let bytes: number;
    let movieBytes: number;
    if (postgres) {
      await sql`analyze movie_search`.execute(db);
      const { rows } = await sql<{ search: string; movies: string }>`select
        pg_total_relation_size('movie_search') + pg_total_relation_size('movie_search_vocabulary') as search,
        pg_total_relation_size('movies') as movies`.execute(db);
      bytes = Number(rows[0]?.search);
      movieBytes = Number(rows[0]?.movies);
    } else {
      const { rows } = await sql<{ search: number; movies: number }>`select
        (select sum(pgsize) from dbstat where name like 'movie_search%') as search,
        (select sum(pgsize) from dbstat where name = 'movies' or name like 'sqlite_autoindex_movies%'
          or name like 'movies_%' and name not like 'movies_title_fts%') as movies`.execute(db);
      bytes = Number(rows[0]?.search);
      movieBytes = Number(rows[0]?.movies);
    }
    const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
    return [
      `- index build for ${MOVIES.toLocaleString('en')} movies (migration ${postgres ? '012' : '011'}'s up): ${buildSeconds.toFixed(1)} s`,
      `- index size: ${mb(bytes)} MB (the movies table and its indexes: ${mb(movieBytes)} MB)`,
    ];
  } finally {
    await db.destroy();
  }
}

async function movieCount(): Promise<number> {
  const { db } = openDatabase(databaseUrl, { poolSize: 1, timeouts: false });
  try {
    const { rows } = await sql<{ n: string | number }>`select count(*) as n from movies`.execute(
      db,
    );
    return Number(rows[0]?.n ?? 0);
  } catch {
    return 0;
  } finally {
    await db.destroy();
  }
}

async function main(): Promise<void> {
  await runToEnd('npm', ['run', 'build', '--silent'], { ...process.env } as Record<string, string>);
  const reused = REUSE && (await movieCount()) >= MOVIES;
  const lines = [
    `### Search, ${postgres ? 'PostgreSQL' : 'SQLite'}, ${MOVIES.toLocaleString('en')} movies`,
    '',
  ];
  if (reused) {
    lines.push('- movies and index from an earlier run (BENCH_REUSE=1): no build figures');
  } else {
    const generated = Date.now();
    await generateMovies(databaseUrl, MOVIES);
    lines.push(
      `- generating the movies, search index kept by triggers: ${((Date.now() - generated) / 1000).toFixed(1)} s`,
      ...(await indexFigures()),
    );
  }
  const env = { ...serviceEnv, DATABASE_URL: databaseUrl, RESPONSE_CACHE_MB: '0' };
  // A name of its own each run, so a reused database takes another reader.
  const credentials = {
    username: `search-reader-${Date.now()}`,
    password: 'search-reader-password',
  };
  await createUser(env, credentials);
  const service = await startService(env);
  const rows: (string | number)[][] = [];
  try {
    const token = await login(service.url, credentials);
    const run = (name: string, paths: string[]) =>
      measure(
        service.url,
        {
          name,
          connections: 8,
          headers: { authorization: `Bearer ${token}` },
          requests: paths.map((path) => ({ method: 'GET', path })),
        },
        SECONDS,
      );
    const baseline = await run('baseline', BASELINE_PATHS);
    console.log(`  baseline (list, no search): ${baseline.rps} req/s, p99 ${baseline.p99} ms`);
    rows.push([
      'baseline: the list, no search',
      'pages 1–4',
      baseline.rps,
      baseline.p50,
      baseline.p99,
      baseline.refused + baseline.errors,
      '1',
      '1',
      '',
    ]);
    for (const { name, searches } of CASES) {
      const result = await run(
        name,
        searches.map((search) => `/movies/?search=${encodeURIComponent(search)}&per_page=12`),
      );
      rows.push([
        name,
        searches.join(', '),
        result.rps,
        result.p50,
        result.p99,
        result.refused + result.errors,
        (result.rps / baseline.rps).toFixed(2),
        (result.p99 / baseline.p99).toFixed(1),
        result.rps > 0 && result.p99 < 30 ? 'met' : 'NOT met',
      ]);
      console.log(`  ${name}: ${result.rps} req/s, p99 ${result.p99} ms`);
    }
    lines.push(`- server peak RSS: ${peakRssMb(service.child.pid ?? 0)} MB`);
  } finally {
    service.child.kill();
  }
  console.log(
    [
      ...lines,
      '',
      table(
        [
          'case (8 connections, cache off)',
          'searches',
          'req/s',
          'p50 ms',
          'p99 ms',
          'errors',
          'req/s ÷ baseline',
          'p99 ÷ baseline',
          'p99 < 30 ms',
        ],
        rows,
      ),
    ].join('\n'),
  );
}

await main();
