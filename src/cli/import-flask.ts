import { loadConfigOrExit } from '../config.js';
import { importFlaskCatalog } from '../import/flask-import.js';
import { readFlaskDatabase } from '../import/flask-source.js';
import { withPreparedDatabase } from './prepared-database.js';
import { UsageError } from './usage.js';

export interface ImportFlaskArgs {
  readonly positionals: readonly string[];
  readonly legacySalt: string | undefined;
  readonly legacyIterations: string | undefined;
  readonly replace: boolean;
  readonly skipInvalid: boolean;
}

export async function importFlaskCommand(args: ImportFlaskArgs): Promise<string> {
  const [file, ...extra] = args.positionals;
  if (!file || extra.length > 0)
    throw new UsageError('import-flask takes one path: the Flask database file');
  const iterations = args.legacyIterations;
  if (iterations !== undefined && !/^[1-9]\d*$/.test(iterations)) {
    throw new UsageError('--legacy-iterations must be a positive whole number');
  }
  // Read and check the whole source before the target is even opened.
  const data = readFlaskDatabase(file);
  const config = loadConfigOrExit();
  return withPreparedDatabase(config, async (database) => {
    const result = await importFlaskCatalog(database.db, database.dialect, data, {
      legacySalt: args.legacySalt ?? config.legacyPasswordSalt,
      legacyIterations:
        iterations === undefined ? config.legacyPasswordIterations : Number(iterations),
      replace: args.replace,
      skipInvalid: args.skipInvalid,
    });
    for (const line of result.skipped) console.log(`skipped ${line}`);
    const { genres, directors, movies, users } = result.counts;
    return `imported ${genres} genres, ${directors} directors, ${movies} movies, ${users} users; skipped ${result.skipped.length}`;
  });
}
