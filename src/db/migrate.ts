import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Dialect } from './database.js';
import * as createCatalogAndUsers from './migrations/2026_11_26_001_create_catalog_and_users.js';
import * as createLoginThrottle from './migrations/2026_11_26_002_create_login_throttle.js';
import * as createCatalogVersion from './migrations/2026_11_26_003_create_catalog_version.js';
import * as indexMovieSearch from './migrations/2026_11_26_004_index_movie_search.js';
import * as addProfilesAndFavorites from './migrations/2026_11_26_005_add_profiles_and_favorites.js';
import * as widenKeyColumns from './migrations/2026_11_27_006_widen_key_columns.js';
import type { Database } from './schema.js';

const migrations: Record<string, Migration> = {
  '2026_11_26_001_create_catalog_and_users': createCatalogAndUsers,
  '2026_11_26_002_create_login_throttle': createLoginThrottle,
  '2026_11_26_003_create_catalog_version': createCatalogVersion,
  '2026_11_26_004_index_movie_search': indexMovieSearch,
  '2026_11_26_005_add_profiles_and_favorites': addProfilesAndFavorites,
  '2026_11_27_006_widen_key_columns': widenKeyColumns,
};

export const MIGRATION_NAMES = Object.keys(migrations);

// Listed in code rather than read from a folder, so the same list serves tsx and compiled builds.
const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export interface MigrationOutcome {
  readonly fresh: boolean;
  readonly applied: string[];
}

// Kysely looks for its bookkeeping tables in every schema; pin it to ours (one database, many schemas).
async function migrationTableSchema(
  db: Kysely<Database>,
  dialect: Dialect,
): Promise<string | undefined> {
  if (dialect !== 'postgres') return undefined;
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema;
}

export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: Dialect,
): Promise<MigrationOutcome> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableSchema: await migrationTableSchema(db, dialect),
  });
  const before = await migrator.getMigrations();
  const fresh = before.every((migration) => migration.executedAt === undefined);
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  const applied = (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
  return { fresh, applied };
}
