import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { loadConfigOrExit } from './boot.js';
import { sqliteFileOf } from './config.js';
import { copyDatabase } from './db/copy.js';
import { openDatabase } from './db/database.js';
import { openPreparedDatabase } from './db/prepare.js';
import { catalogIsEmpty, DEMO_CATALOG, loadCatalog } from './db/seed.js';
import { AppError } from './errors.js';
import { createUserService } from './modules/users/service.js';

const USAGE = `usage:
  npm run cli -- create-user --username <name> --password <password> [--role admin]
  npm run cli -- migrate
  npm run cli -- seed
  npm run cli -- copy-to-postgres [--from sqlite:./data/movies.db] [--to postgres://...]`;

const COMMANDS = ['create-user', 'migrate', 'seed', 'copy-to-postgres'] as const;
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
  const targetUrl = to ?? process.env.DATABASE_URL;
  if (!targetUrl || !/^postgres(ql)?:\/\//.test(targetUrl)) {
    throw new UsageError('--to must be a postgres:// URL (or set DATABASE_URL to one)');
  }
  const config = loadConfigOrExit({ DATABASE_URL: targetUrl, SEED_DEMO: 'false' });
  const source = openDatabase(sourceUrl, { readonly: true });
  try {
    const target = await openPreparedDatabase(config);
    try {
      const counts = await copyDatabase(source.db, target.db, target.dialect);
      return `copied ${counts.genres} genres, ${counts.directors} directors, ${counts.movies} movies, ${counts.users} users`;
    } finally {
      await target.db.destroy();
    }
  } finally {
    await source.db.destroy();
  }
}

async function main(argv: string[]): Promise<string> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      username: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string', default: 'user' },
      from: { type: 'string', default: 'sqlite:./data/movies.db' },
      to: { type: 'string' },
    },
    strict: true,
  });
  if (!isCommand(command)) {
    throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
  if (command === 'copy-to-postgres') return copyToPostgres(values.from, values.to);
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
  console.error(`error: ${describe(error)}`);
  if (error instanceof UsageError && process.argv.length <= 2) console.error(USAGE);
  process.exitCode = 1;
}
