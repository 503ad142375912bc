import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { loadConfigOrExit, shellDatabaseUrl, sqliteFileOf } from './config.js';
import { copyDatabase } from './db/copy.js';
import { openDatabase } from './db/database.js';
import { importFlaskCatalog, InvalidRowsError } from './import/flask-import.js';
import { readFlaskDatabase } from './import/flask-source.js';
import { openPreparedDatabase } from './db/prepare.js';
import { catalogIsEmpty, DEMO_CATALOG, loadCatalog } from './db/seed.js';
import { AppError } from './errors.js';
import { createUserService } from './modules/users/service.js';

const USAGE = `usage:
  npm run cli -- create-user --username <name> --password <password> [--role admin]
  npm run cli -- migrate
  npm run cli -- seed
  npm run cli -- copy-to-postgres [--from sqlite:./data/movies.db] [--to postgres://...]
  npm run cli -- import-flask <flask-movies.db> [--legacy-salt <text>] [--legacy-iterations <n>] [--replace] [--skip-invalid]`;

const COMMANDS = ['create-user', 'migrate', 'seed', 'copy-to-postgres', 'import-flask'] as const;
type Command = (typeof COMMANDS)[number];
const isCommand = (text: string | undefined): text is Command =>
  COMMANDS.some((command) => command === text);

class UsageError extends Error {}

function describe(error: unknown): string {
  if (error instanceof AppError) {
    const details = error.errors
      ? Object.entries(error.errors).map(([field, text]) => `${field} ${text}`)
      : [];
    return details.length > 0 ? details.join('; ') : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

async function copyToPostgres(from: string, to: string | undefined): Promise<string> {
  const sourceUrl = from.startsWith('sqlite:') ? from : `sqlite:${from}`;
  const file = sqliteFileOf(sourceUrl);
  if (file === null || !existsSync(file)) throw new UsageError(`no SQLite database at ${from}`);
  const targetUrl = to ?? shellDatabaseUrl();
  if (!targetUrl || !/^postgres(ql)?:\/\//.test(targetUrl)) {
    throw new UsageError('--to must be a postgres:// URL (or set DATABASE_URL to one)');
  }
  const config = loadConfigOrExit({ DATABASE_URL: targetUrl, SEED_DEMO: 'false' });
  const source = openDatabase(sourceUrl, { readonly: true });
  try {
    const target = await openPreparedDatabase(config);
    try {
      const counts = await copyDatabase(source.db, target.db, target.dialect);
      const parts = Object.entries(counts).map(([table, count]) => `${count} ${table}`);
      return `copied ${parts.join(', ')}`;
    } finally {
      await target.db.destroy();
    }
  } finally {
    await source.db.destroy();
  }
}

async function importFlask(
  file: string,
  options: { salt?: string; iterations?: number; replace: boolean; skipInvalid: boolean },
): Promise<string> {
  // Read and check the whole source before the target is even opened.
  const data = readFlaskDatabase(file);
  const config = loadConfigOrExit();
  const database = await openPreparedDatabase(config);
  try {
    const result = await importFlaskCatalog(database.db, database.dialect, data, {
      legacySalt: options.salt ?? config.legacyPasswordSalt,
      legacyIterations: options.iterations ?? config.legacyPasswordIterations,
      replace: options.replace,
      skipInvalid: options.skipInvalid,
    });
    for (const line of result.skipped) console.log(`skipped ${line}`);
    const { genres, directors, movies, users } = result.counts;
    return `imported ${genres} genres, ${directors} directors, ${movies} movies, ${users} users; skipped ${result.skipped.length}`;
  } finally {
    await database.db.destroy();
  }
}

async function main(argv: string[]): Promise<string> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      username: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string', default: 'user' },
      from: { type: 'string', default: 'sqlite:./data/movies.db' },
      to: { type: 'string' },
      'legacy-salt': { type: 'string' },
      'legacy-iterations': { type: 'string' },
      replace: { type: 'boolean', default: false },
      'skip-invalid': { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (!isCommand(command)) {
    throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
  if (command === 'copy-to-postgres') return copyToPostgres(values.from, values.to);
  if (command === 'import-flask') {
    const [file, ...extra] = positionals;
    if (!file || extra.length > 0)
      throw new UsageError('import-flask takes one path: the Flask database file');
    const iterations = values['legacy-iterations'];
    if (iterations !== undefined && !/^[1-9]\d*$/.test(iterations)) {
      throw new UsageError('--legacy-iterations must be a positive whole number');
    }
    return importFlask(file, {
      salt: values['legacy-salt'],
      iterations: iterations === undefined ? undefined : Number(iterations),
      replace: values.replace,
      skipInvalid: values['skip-invalid'],
    });
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const config = loadConfigOrExit();
  const database = await openPreparedDatabase(config);
  try {
    switch (command) {
      case 'migrate':
        return database.created ? 'database created and migrated' : 'database is up to date';
      case 'seed':
        if (!(await catalogIsEmpty(database.db)))
          throw new UsageError('the catalog is not empty; nothing loaded');
        await loadCatalog(database.db, database.dialect, DEMO_CATALOG);
        return `loaded ${DEMO_CATALOG.genres.length} genres, ${DEMO_CATALOG.directors.length} directors, ${DEMO_CATALOG.movies.length} movies`;
      case 'create-user': {
        const { username, password, role } = values;
        if (!username || !password) throw new UsageError('--username and --password are required');
        if (role !== 'user' && role !== 'admin')
          throw new UsageError('--role must be user or admin');
        const user = await createUserService(database.db, config.pbkdf2Iterations).create({
          username,
          password,
          role,
        });
        return `created ${user.role} "${user.username}" with id ${user.id}`;
      }
    }
  } finally {
    await database.db.destroy();
  }
}

try {
  console.log(await main(process.argv.slice(2)));
} catch (error) {
  if (error instanceof InvalidRowsError)
    for (const line of error.problems) console.error(`invalid ${line}`);
  console.error(`error: ${describe(error)}`);
  if (error instanceof UsageError && process.argv.length <= 2) console.error(USAGE);
  process.exitCode = 1;
}
