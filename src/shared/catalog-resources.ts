/** The catalog tables; each has its own version, bumped by every write to it. */
export const CATALOG_RESOURCES = ['movies', 'genres', 'directors'] as const;

export type CatalogResource = (typeof CATALOG_RESOURCES)[number];

export type CatalogVersions = Readonly<Record<CatalogResource, number>>;

export function isCatalogResource(name: string): name is CatalogResource {
  return (CATALOG_RESOURCES as readonly string[]).includes(name);
}
