// DATABASE_URL=postgres://…/<empty database> npx tsx bench/pg-named.ts: what PostgreSQL spends
// parsing and planning a statement sent unnamed on every run, against the same statement sent by
// name (prepared once on the connection), as the service sends its list and item queries. The
// demo catalog is loaded into the database; microseconds per round trip over one connection,
// median of 5 rounds of 1,000 runs.
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { DEMO_CATALOG, loadCatalog } from '../src/db/seed.js';
import { selectMoviePage } from '../src/modules/movies/list-query.js';
import { table } from './measure.js';

const url = process.env.DATABASE_URL;
if (!url?.startsWith('postgres'))
  throw new Error('set DATABASE_URL=postgres://… (an empty database)');

const { db } = openDatabase(url);
await migrateToLatest(db, 'postgres');
await loadCatalog(db, 'postgres', DEMO_CATALOG);
const order = [{ key: 'id' as const, descending: false }];
const page = selectMoviePage(db, 'postgres', {}, order, 0, 21).compile();
const genrePage = selectMoviePage(db, 'postgres', { genreId: 17 }, order, 0, 21).compile();
const { rows } = await sql<{ version: string }>`select version()`.execute(db);
await db.destroy();

const client = new pg.Client({ connectionString: url });
await client.connect();
async function microseconds(config: pg.QueryConfig): Promise<number> {
  const rounds: number[] = [];
  for (let round = 0; round < 6; round += 1) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 1000; i += 1) await client.query(config);
    if (round > 0) rounds.push(Number(process.hrtime.bigint() - start) / 1000 / 1000);
  }
  rounds.sort((a, b) => a - b);
  return Math.round(rounds[2] ?? 0);
}
const cases = [
  ['GET /movies/ page query', page],
  ['GET /movies/?genre_id=17 page query', genrePage],
] as const;
const results: (string | number)[][] = [];
for (const [index, [name, query]] of cases.entries()) {
  const values = [...query.parameters];
  const unnamed = await microseconds({ text: query.sql, values });
  const named = await microseconds({ name: `bench_${index}`, text: query.sql, values });
  results.push([name, unnamed, named, `${(unnamed / named).toFixed(1)} ×`]);
}
await client.end();
console.log(`${rows[0]?.version.split(' on ')[0] ?? 'PostgreSQL'}, Node ${process.version}\n`);
console.log(table(['statement', 'unnamed, µs', 'named, µs', 'ratio'], results));
