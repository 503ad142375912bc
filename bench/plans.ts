// Prints the database's plan for each scale query, as the repository builds it.
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { dialectOf } from '../src/db/database.js';
import type { Database } from '../src/db/schema.js';
import { SCALE_QUERIES } from './scale-queries.js';
import { openSqliteConnection } from '../src/db/sqlite-connection.js';
import { StablePlanSqliteDialect } from '../src/db/sqlite-dialect.js';
import { withStatementCache } from '../src/db/sqlite-statement-cache.js';

export async function explainScaleQueries(databaseUrl: string): Promise<string[]> {
  const dialect = dialectOf(databaseUrl);
  const captured: CompiledQuery[] = [];
  const log = (event: { query: CompiledQuery }) => void captured.push(event.query);
  const db = new Kysely<Database>({
    dialect:
      dialect === 'sqlite'
        ? new StablePlanSqliteDialect({
            database: withStatementCache(
              openSqliteConnection(databaseUrl.slice('sqlite:'.length), { readonly: true }),
            ),
          })
        : new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 1 }) }),
    log,
  });
  const lines: string[] = [];
  try {
    for (const query of SCALE_QUERIES) {
      captured.length = 0;
      await query.run(db, dialect);
      const compiled = captured[0];
      if (!compiled) continue;
      const explain = dialect === 'sqlite' ? 'explain query plan' : 'explain';
      const { rows } = await db.executeQuery<Record<string, unknown>>({
        ...compiled,
        sql: `${explain} ${compiled.sql}`,
      });
      const steps = rows.map((row) =>
        String(row.detail ?? row['QUERY PLAN'] ?? JSON.stringify(row)).trim(),
      );
      lines.push(`${query.name}:\n    ${steps.join('\n    ')}`);
    }
  } finally {
    await db.destroy();
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url] = process.argv.slice(2);
  if (!url) throw new Error('usage: plans <DATABASE_URL>');
  console.log((await explainScaleQueries(url)).join('\n'));
}
