import type { FastifyInstance, FastifyRequest } from 'fastify';
import { validationError, type FieldErrors } from '../errors.js';
import { unencodableTextProblem, unstorableTextProblem } from '../shared/storable-text.js';

// A 64 KiB body could hold thousands of bad strings; the first few are enough to say what is wrong.
const MAX_REPORTED_FIELDS = 10;

interface Pending {
  readonly value: unknown;
  readonly path: string;
}

const joined = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

// Body fields that hold a password: hashed as UTF-8, never stored, so only UTF-8 form matters.
const PASSWORD_FIELDS = new Set(['password', 'old_password', 'new_password']);
const problemOf = (path: string, part: string, text: string): string | null =>
  part === 'body' && PASSWORD_FIELDS.has(path)
    ? unencodableTextProblem(text)
    : unstorableTextProblem(text);

/** Every string (and object key) in a parsed request part, with its dotted field path. */
function findUnstorableText(root: unknown, part: string, errors: FieldErrors): void {
  // A loop, not recursion: a deeply nested body must not overflow the stack.
  const pending: Pending[] = [{ value: root, path: '' }];
  while (pending.length > 0 && Object.keys(errors).length < MAX_REPORTED_FIELDS) {
    const { value, path } = pending.pop() as Pending;
    if (typeof value === 'string') {
      const problem = problemOf(path, part, value);
      if (problem) errors[path === '' ? part : path] = problem;
    } else if (Array.isArray(value)) {
      value.forEach((item, index) =>
        pending.push({ value: item, path: joined(path, String(index)) }),
      );
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const keyProblem = unstorableTextProblem(key);
        if (keyProblem) errors[joined(path, key)] = `is a field name that ${keyProblem}`;
        else pending.push({ value: item, path: joined(path, key) });
      }
    }
  }
}

function unstorableTextErrors(request: FastifyRequest): FieldErrors {
  const errors: FieldErrors = {};
  findUnstorableText(request.params, 'params', errors);
  findUnstorableText(request.query, 'querystring', errors);
  findUnstorableText(request.body, 'body', errors);
  return errors;
}

async function refuseUnstorableText(request: FastifyRequest): Promise<void> {
  const errors = unstorableTextErrors(request);
  if (Object.keys(errors).length > 0) throw validationError(errors);
}

/**
 * Text no database can store as sent is a 400 on every route, on SQLite as on PostgreSQL, before
 * any schema or handler sees it; unknown fields and query parameters included. It runs as each
 * route's last preValidation hook, so the route's own refusals (a role the caller may not ask
 * for: 403) and counts (registrations) come first, as they do for any other invalid body.
 */
export function rejectUnstorableText(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const own = route.preValidation;
    route.preValidation = [...(own === undefined ? [] : [own].flat()), refuseUnstorableText];
  });
}
