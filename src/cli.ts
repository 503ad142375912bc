import { parseArgs } from 'node:util';
import { loadConfigOrExit } from './boot.js';
import { openPreparedDatabase } from './db/prepare.js';
import { catalogIsEmpty, DEMO_CATALOG, loadCatalog } from './db/seed.js';
import { AppError } from './errors.js';
import { createUserService } from './modules/users/service.js';

const USAGE = `usage:
  npm run cli -- create-user --username <name> --password <password> [--role admin]
  npm run cli -- migrate
  npm run cli -- seed`;

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

async function main(argv: string[]): Promise<string> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      username: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string', default: 'user' },
    },
    strict: true,
  });
  if (command !== 'create-user' && command !== 'migrate' && command !== 'seed') {
    throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
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
