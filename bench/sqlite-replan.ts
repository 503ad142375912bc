// npx tsx bench/sqlite-replan.ts: what SQLite spends compiling a statement again when a value it
// plans around (a LIMIT, a LIKE or GLOB pattern) is bound bare, against the same value bound
// inside an expression, as the service binds it. One process, the driver of this Node line, the
// demo catalog in memory; microseconds per run, median of 5 rounds of 2,000 runs.
import { Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from '../src/db/migrate.js';
import type { Database } from '../src/db/schema.js';
import { DEMO_CATALOG, loadCatalog } from '../src/db/seed.js';
import {
  openSqliteConnection,
  sqliteDriver,
  type SqliteConnection,
} from '../src/db/sqlite-connection.js';
import { StablePlanSqliteDialect } from '../src/db/sqlite-dialect.js';
import { withStatementCache } from '../src/db/sqlite-statement-cache.js';
import { selectMoviePage } from '../src/modules/movies/list-query.js';
import { table } from './measure.js';

function microseconds(connection: SqliteConnection, text: string, parameters: unknown[]): number {
  const statement = connection.prepare(text);
  const rounds: number[] = [];
  for (let round = 0; round < 6; round += 1) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 2000; i += 1) statement.all(...parameters);
    if (round > 0) rounds.push(Number(process.hrtime.bigint() - start) / 2000 / 1000);
  }
  rounds.sort((a, b) => a - b);
  return Number((rounds[2] ?? 0).toFixed(1));
}

const connection = openSqliteConnection(':memory:');
const db = new Kysely<Database>({
  dialect: new StablePlanSqliteDialect({ database: withStatementCache(connection) }),
});
await migrateToLatest(db, 'sqlite');
await loadCatalog(db, 'sqlite', DEMO_CATALOG);

const plain = new Kysely<Database>({
  dialect: new SqliteDialect({ database: withStatementCache(connection) }),
});
const order = [{ key: 'id' as const, descending: false }];
const page = (on: Kysely<Database>, filters = {}) =>
  selectMoviePage(on, 'sqlite', filters, order, 0, 21).compile();
const wide = Array.from({ length: 300 }, (_, i) => `id + ${i}`).join(', ');

const cases: [string, string, string, unknown[]][] = [
  [
    '300 columns, LIMIT',
    `select ${wide} from movies limit ?`,
    `select ${wide} from movies limit ? + 0`,
    [1],
  ],
  [
    '300 columns, LIKE',
    `select ${wide} from movies where title_key like ? limit 1`,
    `select ${wide} from movies where title_key like +? limit 1`,
    ['%z%'],
  ],
  ['GET /movies/ page query', page(plain).sql, page(db).sql, [...page(db).parameters]],
];
const withTitle = { titleContains: 'жизнь' };
const [bare, planFree] = [page(plain, withTitle), page(db, withTitle)];
cases.push([
  'GET /movies/?q=жизнь page query',
  bare.sql.replace(/\+\?/g, '?'),
  planFree.sql,
  [...planFree.parameters],
]);

const rows = cases.map(([name, bareSql, stableSql, parameters]) => {
  const [compiledEachRun, kept] = [
    microseconds(connection, bareSql, parameters),
    microseconds(connection, stableSql, parameters),
  ];
  return [name, compiledEachRun, kept, `${(compiledEachRun / kept).toFixed(1)} ×`];
});
const [{ version }] = connection.prepare('select sqlite_version() as version').all() as [
  { version: string },
];
console.log(`Node ${process.version}, ${sqliteDriver}, SQLite ${version}\n`);
console.log(table(['statement', 'bound bare, µs', 'inside an expression, µs', 'ratio'], rows));
await db.destroy();
