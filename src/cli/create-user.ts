import { loadConfigOrExit } from '../config.js';
import { createUserService } from '../modules/users/service.js';
import { isRole } from '../shared/limits.js';
import { withPreparedDatabase } from './prepared-database.js';
import { UsageError } from './usage.js';

export interface CreateUserArgs {
  readonly username?: string;
  readonly password?: string;
  readonly role: string;
}

// The arguments are checked once the database is open, as they always were.
export function createUserCommand({ username, password, role }: CreateUserArgs): Promise<string> {
  const config = loadConfigOrExit();
  return withPreparedDatabase(config, async (database) => {
    if (!username || !password) throw new UsageError('--username and --password are required');
    if (!isRole(role)) throw new UsageError('--role must be user or admin');
    const user = await createUserService(database.db, config.pbkdf2Iterations).create({
      username,
      password,
      role,
    });
    return `created ${user.role} "${user.username}" with id ${user.id}`;
  });
}
