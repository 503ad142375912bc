/** The catalog tables; each has its own version, bumped by every write to it. */
export const CATALOG_RESOURCES = ['movies', 'genres', 'directors'] as const;

export type CatalogResource = (typeof CATALOG_RESOURCES)[number];

export type CatalogVersions = Readonly<Record<CatalogResource, number>>;

export function isCatalogResource(name: string): name is CatalogResource {
  return (CATALOG_RESOURCES as readonly string[]).includes(name);
}

/**
 * What a movie answer shows and what decides it: the ids of the movies in it, and the movie
 * columns its filters and order compare. A change to another movie's other columns leaves it.
 */
export interface MovieScope {
  readonly ids: readonly number[];
  readonly columns: readonly string[];
}

/** A committed change of one movie row: the version of the movies table it made, and its columns. */
export interface MovieChange {
  readonly version: number;
  readonly id: number;
  readonly columns: readonly string[];
}
