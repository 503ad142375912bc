import type { Kysely } from 'kysely';
import type { UserAccounts } from '../../auth/user-accounts.js';
import type { Database } from '../../db/schema.js';
import * as repo from './repository.js';

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
