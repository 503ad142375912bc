import type { Kysely } from 'kysely';
import { hashPassword } from '../../auth/password.js';
import { revokeFamiliesOfUser } from '../../auth/refresh-token-repository.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Database } from '../../db/schema.js';
import { conflict, notFound, validationError } from '../../errors.js';
import { findNamedById } from '../named-resources/repository.js';
import type { ListOptions, Page, PageWindow } from '../../shared/paging.js';
import { idOrderedPage } from '../../shared/id-page.js';
import { assertBodyIdMatches } from '../../shared/body-id.js';
import { unstorableTextProblem } from '../../shared/storable-text.js';
import * as repo from './repository.js';
import { lengthProblem, PASSWORD_LENGTH, USERNAME_LENGTH } from '../../shared/limits.js';
import { type UserCreate, type UserPatch, type UserPublic, type UserReplace } from './schemas.js';

const taken = () => conflict('This username is taken');

export function usernameProblem(username: string): string | null {
  const lengthIssue = lengthProblem(username, USERNAME_LENGTH);
  if (lengthIssue) return lengthIssue;
  if (/^\s|\s$/u.test(username)) return 'must not start or end with white space';
  if (/\p{Cc}/u.test(username)) return 'must not contain control characters';
  return unstorableTextProblem(username);
}

export function passwordProblem(password: string): string | null {
  return lengthProblem(password, PASSWORD_LENGTH);
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

export function createUserService(db: Kysely<Database>, pbkdf2Iterations: number) {
  async function assertUsernameFree(username: string, exceptId?: number): Promise<void> {
    const existing = await repo.findUserByUsername(db, username);
    if (existing && existing.id !== exceptId) throw taken();
  }

  async function assertEmailFree(email: string, exceptId?: number): Promise<void> {
    const existing = await repo.findUserByEmail(db, email);
    if (existing && existing.id !== exceptId) throw conflict('This email is taken');
  }

  // The movie website sends the genre id as a string of digits; either way it must exist.
  async function favouriteGenreOf(
    value: number | string | null | undefined,
  ): Promise<number | null | undefined> {
    if (value === undefined || value === null) return value;
    const id = Number(value);
    if (!Number.isSafeInteger(id) || !(await findNamedById(db, 'genres', id))) {
      throw validationError({ favourite_genre: `genre ${String(value)} does not exist` });
    }
    return id;
  }

  async function update(id: number, input: UserPatch): Promise<void> {
    assertBodyIdMatches(input.id, id);
    assertCredentialsAllowed(input);
    const favouriteGenre = await favouriteGenreOf(input.favourite_genre);
    if (!(await repo.findUserById(db, id))) throw notFound('User');
    if (input.username !== undefined) await assertUsernameFree(input.username, id);
    if (input.email) await assertEmailFree(input.email, id);
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
          email: input.email,
          name: input.name,
          surname: input.surname,
          favouriteGenre,
        });
        if (passwordHash !== undefined) await revokeFamiliesOfUser(trx, id, Date.now());
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('This username or email is taken');
      throw error;
    }
  }

  /** `confirmOldPassword` checks the old password (and counts a wrong one as a failed login). */
  async function changePassword(
    id: number,
    newPassword: string,
    confirmOldPassword: (user: repo.UserRecord) => Promise<boolean>,
  ): Promise<void> {
    const user = await repo.findUserById(db, id);
    if (!user) throw notFound('User');
    if (!(await confirmOldPassword(user))) {
      throw validationError({ old_password: 'is not the current password' });
    }
    const problem = passwordProblem(newPassword);
    if (problem) throw validationError({ new_password: problem });
    const passwordHash = await hashPassword(newPassword, pbkdf2Iterations);
    await db.transaction().execute(async (trx) => {
      // Two changes racing with the same old password: only the first may replace it.
      if ((await repo.lockPasswordVersion(trx, id)) !== Number(user.password_version)) {
        throw validationError({ old_password: 'is not the current password' });
      }
      await repo.updateUser(trx, id, { passwordHash });
      await revokeFamiliesOfUser(trx, id, Date.now());
    });
  }

  async function create(input: UserCreate & { email?: string }): Promise<UserPublic> {
    assertCredentialsAllowed(input);
    await assertUsernameFree(input.username);
    if (input.email !== undefined) await assertEmailFree(input.email);
    const passwordHash = await hashPassword(input.password, pbkdf2Iterations);
    try {
      return await repo.insertUser(db, {
        username: input.username,
        passwordHash,
        role: input.role ?? 'user',
        email: input.email,
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw taken();
      throw error;
    }
  }

  return {
    create,

    /** The movie website registers by email, which becomes the username too. */
    registerByEmail: (email: string, password: string): Promise<UserPublic> =>
      create({ username: email, email, password, role: 'user' }),

    list: (window: PageWindow, options: ListOptions): Promise<Page<UserPublic>> =>
      idOrderedPage(
        window,
        options,
        (rows) => repo.listUsers(db, rows),
        () => repo.countUsers(db),
      ),

    async get(id: number): Promise<UserPublic> {
      const user = await repo.findUserById(db, id);
      if (!user) throw notFound('User');
      return repo.userRowToPublic(user);
    },

    replace: (id: number, input: UserReplace) => update(id, input),
    patch: (id: number, input: UserPatch) => update(id, input),
    changePassword,

    async remove(id: number): Promise<void> {
      // Refresh tokens go with the user (ON DELETE CASCADE).
      if (!(await repo.deleteUser(db, id))) throw notFound('User');
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
