// Fills a database of this service with generated movies (ids after the demo catalog's 20), fast:
// the rows are made by the database itself. Titles are lowercase, so SQL lower() gives the same
// title_key as JavaScript's toLowerCase(). Usage: tsx bench/generate-movies.ts <DATABASE_URL> [count]
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { optimizeSearchIndex } from '../src/db/bulk-load.js';
import { openPreparedDatabase } from '../src/db/prepare.js';

export const TITLE_WORDS = [
  'ветер',
  'река',
  'город',
  'ночь',
  'звезда',
  'море',
  'огонь',
  'тень',
  'дорога',
  'сад',
  'зима',
  'лето',
];

export async function generateMovies(databaseUrl: string, count: number): Promise<void> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    JWT_SECRET: 'generator-needs-no-secret-but-config-does',
  });
  const database = await openPreparedDatabase(config);
  const words = TITLE_WORDS.map((word) => `'${word}'`).join(', ');
  const start = Date.now();
  try {
    if (database.dialect === 'postgres') {
      // One long statement: a client of its own, without the service's 5 s timeouts.
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`
        insert into movies (title, title_key, description, trailer, year, rating, genre_id, director_id)
        select t, lower(t), 'Generated', '', case when n % 50 = 0 then null else 1900 + n % 124 end,
               case when n % 40 = 0 then null else (n % 101) / 10.0 end, 1 + n % 18, 1 + n % 20
        from (select n, 'фильм ' || n || ' ' || (array[${words}])[1 + n % 12] || ' ' || substr(md5(n::text), 1, 12) as t
              from generate_series(1, ${Math.trunc(count)}) as n) as g`);
        // As autovacuum would soon after a bulk load: the visibility map lets the id-picking
        // subqueries of list pages read their composite indexes alone (index-only scans), and
        // no autovacuum of a million new rows runs in the middle of the measurements.
        await client.query('vacuum analyze movies');
        await client.query('analyze movie_search');
      } finally {
        await client.end();
      }
    } else {
      await sql`
        with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ${count})
        insert into movies (title, title_key, description, trailer, year, rating, genre_id, director_id)
        select t, lower(t), 'Generated', '', case when n % 50 = 0 then null else 1900 + n % 124 end,
               case when n % 40 = 0 then null else (n % 101) / 10.0 end, 1 + n % 18, 1 + n % 20
        from (select n, 'фильм ' || n || ' ' ||
                (select value from json_each(json_array(${sql.raw(words)})) where key = n % 12) || ' ' ||
                lower(substr(hex(randomblob(8)), 1, 12)) as t from seq)`.execute(database.db);
      await sql`analyze`.execute(database.db);
      // As the importer does after a bulk load.
      await optimizeSearchIndex(database.db);
    }
  } finally {
    await database.db.destroy();
  }
  console.log(`generated ${count} movies in ${((Date.now() - start) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, count = '1000000'] = process.argv.slice(2);
  if (!url) throw new Error('usage: generate-movies <DATABASE_URL> [count]');
  await generateMovies(url, Number(count));
}
