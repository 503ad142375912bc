import { AppError } from '../errors.js';

export const USAGE = `usage:
  npm run cli -- create-user --username <name> --password <password> [--role admin]
  npm run cli -- migrate
  npm run cli -- seed
  npm run cli -- copy-to-postgres [--from sqlite:./data/movies.db] [--to postgres://...]
  npm run cli -- import-flask <flask-movies.db> [--legacy-salt <text>] [--legacy-iterations <n>] [--replace] [--skip-invalid]`;

/** A mistake in the command line: its message, and the usage when no command was given. */
export class UsageError extends Error {}

/** The one line a failure prints: an AppError's field messages, else its message. */
export function describe(error: unknown): string {
  if (error instanceof AppError) {
    const details = error.errors
      ? Object.entries(error.errors).map(([field, text]) => `${field} ${text}`)
      : [];
    return details.length > 0 ? details.join('; ') : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
