/** The catalog tables; each has its own version, bumped by every write to it. */
export const CATALOG_RESOURCES = ['movies', 'genres', 'directors'] as const;

export type CatalogResource = (typeof CATALOG_RESOURCES)[number];

export type CatalogVersions = Readonly<Record<CatalogResource, number>>;

export function isCatalogResource(name: string): name is CatalogResource {
  return (CATALOG_RESOURCES as readonly string[]).includes(name);
}

/**
 * What a movie answer shows and what decides it: the ids of the movies in it, and the movie
 * fields its filters and order read. A change to another movie's other fields leaves it as it is.
 */
export interface MovieScope {
  readonly ids: readonly number[];
  readonly fields: readonly string[];
}

/** A committed change to one movie row: its id and every field the write may have changed. */
export interface MovieChange {
  readonly id: number;
  readonly fields: readonly string[];
}
