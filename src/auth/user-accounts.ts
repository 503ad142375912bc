import type { Kysely } from 'kysely';
import type { TSchema } from 'typebox';
import type { Database, UserRow } from '../db/schema.js';
import type { Role } from '../shared/limits.js';

/** What auth reads of a user. */
export type UserAccount = Pick<
  UserRow,
  'id' | 'username' | 'role' | 'password_hash' | 'password_version'
>;

/**
 * The users auth signs in, confirms and rehashes. Auth sits below the users module, so app.ts
 * hands it the users module's implementation (createUserAccounts).
 */
export interface UserAccounts {
  findById(id: number): Promise<UserAccount | undefined>;
  /** Matched ignoring case. */
  findByUsername(username: string): Promise<UserAccount | undefined>;
  /** Matched ignoring case. */
  findByEmail(email: string): Promise<UserAccount | undefined>;
  /** The role held now, or null when the user no longer exists. */
  currentRoleOf(id: number): Promise<Role | null>;
  /**
   * The password version, read under a row lock inside the transaction `trx`, so a password
   * change cannot commit between this read and the end of that transaction.
   */
  lockPasswordVersion(trx: Kysely<Database>, id: number): Promise<number | undefined>;
  /** Stores a rehash of the same password, unless the password changed meanwhile. */
  replaceHashIfUnchanged(id: number, previousHash: string, newHash: string): Promise<boolean>;
}

/** A registration creates a user, which the users module owns: app.ts hands in both. */
export interface EmailRegistration {
  /** Creates the user (the email is the username too); answers with its public shape. */
  readonly register: (email: string, password: string) => Promise<{ readonly id: number }>;
  /** That public shape, as the 201 answer's schema. */
  readonly userSchema: TSchema;
}
