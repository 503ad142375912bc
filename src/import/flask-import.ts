import type { Kysely } from 'kysely';
import { legacyFlaskHash } from '../auth/password.js';
import {
  deleteCatalog,
  insertCatalog,
  insertUsersWithHashes,
  listUserKeys,
} from '../db/bulk-load.js';
import type { Dialect } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { catalogIsEmpty, resetIdentitySequences } from '../db/seed.js';
import { textKeyOf } from '../shared/text-key.js';
import type { FlaskData } from './flask-source.js';
import { validateFlaskData, type ImportRows } from './flask-validate.js';

export interface FlaskImportOptions {
  readonly legacySalt: string;
  readonly legacyIterations: number;
  /** Replace the catalog (movies, genres, directors) the target already holds. */
  readonly replace: boolean;
  /** Import the valid rows and report the others, instead of importing nothing. */
  readonly skipInvalid: boolean;
}

export interface FlaskImportResult {
  readonly counts: { genres: number; directors: number; movies: number; users: number };
  readonly skipped: string[];
}

export class ImportRefused extends Error {}

export class InvalidRowsError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `${problems.length} row(s) break the contract; nothing was imported (--skip-invalid imports the rest)`,
    );
  }
}

// Users whose id or username the target already has cannot come in as they are.
async function userConflicts(
  trx: Kysely<Database>,
  users: ImportRows['users'],
): Promise<Map<number, string>> {
  const existing = await listUserKeys(trx);
  const ids = new Set(existing.map((user) => user.id));
  const names = new Set(existing.map((user) => user.username_key));
  const conflicts = new Map<number, string>();
  for (const user of users) {
    if (ids.has(user.id))
      conflicts.set(user.id, `user ${user.id}: the target already has a user with this id`);
    else if (names.has(textKeyOf(user.username))) {
      conflicts.set(
        user.id,
        `user ${user.id}: the target already has a user named "${user.username}"`,
      );
    }
  }
  return conflicts;
}

/** Everything or nothing, in one transaction; ids and (legacy) password hashes are kept. */
export async function importFlaskCatalog(
  db: Kysely<Database>,
  dialect: Dialect,
  data: FlaskData,
  options: FlaskImportOptions,
): Promise<FlaskImportResult> {
  const { rows, problems } = validateFlaskData(data);
  if (problems.length > 0 && !options.skipInvalid) throw new InvalidRowsError(problems);
  return db.transaction().execute(async (trx) => {
    if (!(await catalogIsEmpty(trx))) {
      if (!options.replace) {
        throw new ImportRefused('the database already holds catalog rows; --replace replaces them');
      }
      await deleteCatalog(trx);
    }
    const conflicts = await userConflicts(trx, rows.users);
    if (conflicts.size > 0 && !options.skipInvalid)
      throw new InvalidRowsError([...problems, ...conflicts.values()]);
    const users = rows.users.filter((user) => !conflicts.has(user.id));

    await insertCatalog(trx, rows);
    await insertUsersWithHashes(
      trx,
      users.map((user) => ({
        id: user.id,
        username: user.username,
        role: user.role,
        password_hash: legacyFlaskHash(
          user.legacyDigest,
          options.legacySalt,
          options.legacyIterations,
        ),
      })),
    );
    await resetIdentitySequences(trx, dialect);
    return {
      counts: {
        genres: rows.genres.length,
        directors: rows.directors.length,
        movies: rows.movies.length,
        users: users.length,
      },
      skipped: [...problems, ...conflicts.values()],
    };
  });
}
