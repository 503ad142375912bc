interface DriverError {
  code?: unknown;
  message?: unknown;
}

const codeOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as DriverError).code : undefined;

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String((error as DriverError | null)?.message ?? '');

export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
}

export function isForeignKeyViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}

// Network failures, and SQLite's lock wait running out.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'SQLITE_BUSY',
]);
// PostgreSQL: cannot connect now, shut down, too many connections, statement timeout.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);
const POOL_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Connection ended|driver has already been destroyed/i;

/** The database cannot be reached right now: the request deserves a 503, not a 500. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (typeof code === 'string') {
    if (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) {
      return true;
    }
  }
  return POOL_MESSAGES.test(messageOf(error));
}
