import type { Kysely } from 'kysely';
import { hashPassword } from '../../auth/password.js';
import { revokeFamiliesOfUser } from '../../auth/refresh-token-repository.js';
import type { AccessClaims } from '../../auth/tokens.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Database } from '../../db/schema.js';
import { conflict, notFound, validationError } from '../../errors.js';
import { toPage, type Page, type PageWindow } from '../../http/paging.js';
import { assertBodyIdMatches } from '../shared/named-resource.js';
import * as repo from './repository.js';
import type { Role, UserCreate, UserPatch, UserPublic, UserReplace } from './schemas.js';

const taken = () => conflict('This username is taken');

const MAX_USERNAME = 150;
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 128;

const codePoints = (text: string): number => [...text].length;

export function usernameProblem(username: string): string | null {
  const length = codePoints(username);
  if (length < 1 || length > MAX_USERNAME) return `must be 1 to ${MAX_USERNAME} characters long`;
  if (/^\s|\s$/u.test(username)) return 'must not start or end with white space';
  if (/\p{Cc}/u.test(username)) return 'must not contain control characters';
  return null;
}

export function passwordProblem(password: string): string | null {
  const length = codePoints(password);
  return length < MIN_PASSWORD || length > MAX_PASSWORD
    ? `must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters long`
    : null;
}

// The HTTP schemas check lengths too; these rules also guard the command line.
function assertCredentialsAllowed(input: { username?: string; password?: string }): void {
  const errors: Record<string, string> = {};
  const usernameIssue = input.username === undefined ? null : usernameProblem(input.username);
  const passwordIssue = input.password === undefined ? null : passwordProblem(input.password);
  if (usernameIssue) errors.username = usernameIssue;
  if (passwordIssue) errors.password = passwordIssue;
  if (Object.keys(errors).length > 0) throw validationError(errors);
}

/** Only admins hand out roles; anyone else may at most restate the role they have. */
export function mayRequestRole(
  actor: AccessClaims | null,
  requested: Role,
  current: Role,
): boolean {
  return actor?.role === 'admin' || requested === current;
}

export function createUserService(db: Kysely<Database>, pbkdf2Iterations: number) {
  async function assertUsernameFree(username: string, exceptId?: number): Promise<void> {
    const existing = await repo.findUserByUsername(db, username);
    if (existing && existing.id !== exceptId) throw taken();
  }

  async function update(id: number, input: UserPatch): Promise<void> {
    assertBodyIdMatches(input.id, id);
    assertCredentialsAllowed(input);
    if (!(await repo.findUserById(db, id))) throw notFound('User');
    if (input.username !== undefined) await assertUsernameFree(input.username, id);
    const passwordHash =
      input.password === undefined
        ? undefined
        : await hashPassword(input.password, pbkdf2Iterations);
    try {
      await db.transaction().execute(async (trx) => {
        await repo.updateUser(trx, id, {
          username: input.username,
          passwordHash,
          role: input.role,
        });
        if (passwordHash !== undefined) await revokeFamiliesOfUser(trx, id, Date.now());
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw taken();
      throw error;
    }
  }

  return {
    async create(input: UserCreate): Promise<UserPublic> {
      assertCredentialsAllowed(input);
      await assertUsernameFree(input.username);
      const passwordHash = await hashPassword(input.password, pbkdf2Iterations);
      try {
        return await repo.insertUser(db, {
          username: input.username,
          passwordHash,
          role: input.role ?? 'user',
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw taken();
        throw error;
      }
    },

    async list(window: PageWindow): Promise<Page<UserPublic>> {
      return toPage(await repo.listUsers(db, window.offset, window.limit + 1), window);
    },

    async get(id: number): Promise<UserPublic> {
      const user = await repo.findUserById(db, id);
      if (!user) throw notFound('User');
      return repo.userRowToPublic(user);
    },

    replace: (id: number, input: UserReplace) => update(id, input),
    patch: (id: number, input: UserPatch) => update(id, input),

    async remove(id: number): Promise<void> {
      // Refresh tokens go with the user (ON DELETE CASCADE).
      if (!(await repo.deleteUser(db, id))) throw notFound('User');
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
