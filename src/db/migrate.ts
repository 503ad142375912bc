import {
  Migrator,
  sql,
  type DatabaseIntrospector,
  type Kysely,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import type { Dialect } from './database.js';
import * as createCatalogAndUsers from './migrations/2026_11_26_001_create_catalog_and_users.js';
import * as createLoginThrottle from './migrations/2026_11_26_002_create_login_throttle.js';
import * as createCatalogVersion from './migrations/2026_11_26_003_create_catalog_version.js';
import * as indexMovieSearch from './migrations/2026_11_26_004_index_movie_search.js';
import * as addProfilesAndFavorites from './migrations/2026_11_26_005_add_profiles_and_favorites.js';
import * as widenKeyColumns from './migrations/2026_11_27_006_widen_key_columns.js';
import * as refreshGenerations from './migrations/2026_11_27_007_refresh_generations.js';
import * as attemptCounters from './migrations/2026_11_27_008_attempt_counters.js';
import * as catalogVersionsByResource from './migrations/2026_11_27_009_catalog_versions_by_resource.js';
import * as searchIndex from './migrations/2026_12_07_010_search_index.js';
import * as searchWordsInOnePlace from './migrations/2026_12_07_011_search_words_in_one_place.js';
import * as searchFieldsInWords from './migrations/2026_12_07_012_search_fields_in_words.js';
import * as searchLookups from './migrations/2026_12_08_013_search_lookups.js';
import type { Database } from './schema.js';

const migrations: Record<string, Migration> = {
  '2026_11_26_001_create_catalog_and_users': createCatalogAndUsers,
  '2026_11_26_002_create_login_throttle': createLoginThrottle,
  '2026_11_26_003_create_catalog_version': createCatalogVersion,
  '2026_11_26_004_index_movie_search': indexMovieSearch,
  '2026_11_26_005_add_profiles_and_favorites': addProfilesAndFavorites,
  '2026_11_27_006_widen_key_columns': widenKeyColumns,
  '2026_11_27_007_refresh_generations': refreshGenerations,
  '2026_11_27_008_attempt_counters': attemptCounters,
  '2026_11_27_009_catalog_versions_by_resource': catalogVersionsByResource,
  '2026_12_07_010_search_index': searchIndex,
  '2026_12_07_011_search_words_in_one_place': searchWordsInOnePlace,
  '2026_12_07_012_search_fields_in_words': searchFieldsInWords,
  '2026_12_08_013_search_lookups': searchLookups,
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

/**
 * Kysely's migrator asks the introspector for every table of every schema just to see whether its
 * own two tables exist; on PostgreSQL that query fails ("schema ... does not exist") when another
 * schema is dropped meanwhile. Here it sees the tables of the current schema only, read safely.
 */
function scopedForMigrator(db: Kysely<Database>, schema: string | undefined): Kysely<Database> {
  if (schema === undefined) return db;
  const introspection: DatabaseIntrospector = {
    getSchemas: () => db.introspection.getSchemas(),
    getMetadata: async () => ({ tables: await introspection.getTables() }),
    getTables: async () => {
      const { rows } = await sql<{ name: string }>`
        select table_name as name from information_schema.tables
        where table_schema = ${schema}`.execute(db);
      return rows.map((row) => ({ name: row.name, schema, isView: false, columns: [] }));
    },
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspection;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function migratorFor(db: Kysely<Database>, dialect: Dialect): Promise<Migrator> {
  const schema = await migrationTableSchema(db, dialect);
  return new Migrator({
    db: scopedForMigrator(db, schema),
    provider,
    migrationTableSchema: schema,
  });
}

/** Migrates up to and including `name` only: for tests of what a migration does to live rows. */
export async function migrateTo(
  db: Kysely<Database>,
  dialect: Dialect,
  name: string,
): Promise<void> {
  const migrator = await migratorFor(db, dialect);
  const { error } = await migrator.migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: Dialect,
): Promise<MigrationOutcome> {
  const migrator = await migratorFor(db, dialect);
  const before = await migrator.getMigrations();
  const fresh = before.every((migration) => migration.executedAt === undefined);
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  const applied = (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
  return { fresh, applied };
}
