import type { Kysely } from 'kysely';
import type { EmailRegistration, UserAccounts } from '../../auth/user-accounts.js';
import type { Database } from '../../db/schema.js';
import * as repo from './repository.js';
import { UserPublic } from './schemas.js';
import type { UserService } from './service.js';

// What auth needs of users, which auth may not import: app.ts hands these in.

/** The users as auth reads them (see auth/user-accounts). */
export function createUserAccounts(db: Kysely<Database>): UserAccounts {
  return {
    findById: (id) => repo.findUserById(db, id),
    findByUsername: (username) => repo.findUserByUsername(db, username),
    findByEmail: (email) => repo.findUserByEmail(db, email),
    currentRoleOf: (id) => repo.findCurrentRole(db, id),
    lockPasswordVersion: (trx, id) => repo.lockPasswordVersion(trx, id),
    replaceHashIfUnchanged: (id, previousHash, newHash) =>
      repo.replaceHashIfUnchanged(db, id, previousHash, newHash),
  };
}

/** POST /auth/register/ creates its user here and answers with the user's public shape. */
export const emailRegistrationOf = (service: UserService): EmailRegistration => ({
  register: service.registerByEmail,
  userSchema: UserPublic,
});
