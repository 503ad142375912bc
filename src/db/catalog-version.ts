import type { Kysely } from 'kysely';
import {
  CATALOG_RESOURCES,
  type CatalogResource,
  type CatalogVersions,
} from '../shared/catalog-resources.js';
import type { Database } from './schema.js';

/** The version of each catalog table, bumped by triggers on every write to it. */
export async function readCatalogVersions(db: Kysely<Database>): Promise<CatalogVersions> {
  const rows = await db.selectFrom('catalog_versions').select(['resource', 'version']).execute();
  const versionOf = (resource: CatalogResource): number => {
    const row = rows.find((candidate) => candidate.resource === resource);
    if (row === undefined) throw new Error(`catalog_versions has no row for ${resource}`);
    return Number(row.version);
  };
  return Object.fromEntries(
    CATALOG_RESOURCES.map((resource) => [resource, versionOf(resource)]),
  ) as Record<CatalogResource, number>;
}

/** The version of one catalog table; in a writing transaction, the one its write committed. */
export async function readCatalogVersion(
  db: Kysely<Database>,
  resource: CatalogResource,
): Promise<number> {
  const row = await db
    .selectFrom('catalog_versions')
    .select('version')
    .where('resource', '=', resource)
    .executeTakeFirstOrThrow();
  return Number(row.version);
}
