import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as createCatalogAndUsers from './migrations/2026_11_26_001_create_catalog_and_users.js';
import type { Database } from './schema.js';

const migrations: Record<string, Migration> = {
  '2026_11_26_001_create_catalog_and_users': createCatalogAndUsers,
};

// Listed in code rather than read from a folder, so the same list serves tsx and compiled builds.
const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export interface MigrationOutcome {
  readonly fresh: boolean;
  readonly applied: string[];
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider });
  const before = await migrator.getMigrations();
  const fresh = before.every((migration) => migration.executedAt === undefined);
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  const applied = (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
  return { fresh, applied };
}
