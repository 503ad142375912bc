// npm run cli -- <command>: parses the command line and hands it to the command's own file.
import { parseArgs } from 'node:util';
import { InvalidRowsError } from '../import/flask-import.js';
import { copyToPostgresCommand } from './copy-to-postgres.js';
import { createUserCommand } from './create-user.js';
import { importFlaskCommand } from './import-flask.js';
import { migrateCommand } from './migrate.js';
import { seedCommand } from './seed.js';
import { describe, USAGE, UsageError } from './usage.js';

const COMMANDS = ['create-user', 'migrate', 'seed', 'copy-to-postgres', 'import-flask'] as const;
type Command = (typeof COMMANDS)[number];
const isCommand = (text: string | undefined): text is Command =>
  COMMANDS.some((command) => command === text);

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
  if (command === 'copy-to-postgres') return copyToPostgresCommand(values.from, values.to);
  if (command === 'import-flask') {
    return importFlaskCommand({
      positionals,
      legacySalt: values['legacy-salt'],
      legacyIterations: values['legacy-iterations'],
      replace: values.replace,
      skipInvalid: values['skip-invalid'],
    });
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  switch (command) {
    case 'migrate':
      return migrateCommand();
    case 'seed':
      return seedCommand();
    case 'create-user':
      return createUserCommand(values);
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
