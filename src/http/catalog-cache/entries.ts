import {
  CATALOG_RESOURCES,
  type CatalogResource,
  type MovieChange,
  type MovieScope,
} from '../../shared/catalog-resources.js';

export interface CachedResponse {
  readonly body: Buffer;
  readonly link: string | undefined;
  /** X-Total-Count of a counted list answer (Prefer: count=exact). */
  readonly totalCount?: string;
  /** Its ETag, worked out once when the answer was kept. */
  readonly etag: string;
}

/** Whether an answer of this scope (none: unknown) may read differently after this change. */
export function touchedBy(scope: MovieScope | undefined, change: MovieChange): boolean {
  return (
    scope === undefined ||
    scope.ids.includes(change.id) ||
    scope.columns.some((column) => change.columns.includes(column))
  );
}

interface Entry {
  readonly response: CachedResponse;
  readonly cost: number;
  readonly reads: readonly CatalogResource[];
  readonly movieScope: MovieScope | undefined;
}

export interface CatalogEntryLimits {
  readonly maxBytes: number;
  readonly maxEntryBytes: number;
  readonly maxEntries: number;
}

/**
 * What an entry costs besides its key, body and Link: the Map slot, the entry objects, the
 * fixed-size ETag, and the Buffer with its own backing store (measured on Node 20: about 300 bytes
 * of heap, 700 of RSS).
 */
export const ENTRY_OVERHEAD_BYTES = 1024;

/** Bytes an entry is counted for: strings at two bytes a character, as V8 may store them. */
export function entryCost(key: string, response: CachedResponse, movieScope?: MovieScope): number {
  const scopeBytes = movieScope === undefined ? 0 : 64 + movieScope.ids.length * 8;
  return (
    ENTRY_OVERHEAD_BYTES +
    scopeBytes +
    key.length * 2 +
    response.body.length +
    (response.link === undefined ? 0 : response.link.length * 2) +
    (response.totalCount === undefined ? 0 : response.totalCount.length * 2)
  );
}

/**
 * Answers by key, least recently used first out, within a byte and an entry budget; each answer
 * is tagged with the catalog tables it was read from, so that a write drops only those.
 */
export class CatalogEntries {
  private readonly entries = new Map<string, Entry>();
  private readonly keysByResource = new Map<CatalogResource, Set<string>>(
    CATALOG_RESOURCES.map((resource) => [resource, new Set<string>()]),
  );
  private bytes = 0;

  constructor(private readonly limits: CatalogEntryLimits) {}

  get usage(): { readonly entries: number; readonly bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  get(key: string): CachedResponse | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit?.response;
  }

  set(
    key: string,
    response: CachedResponse,
    reads: readonly CatalogResource[],
    movieScope?: MovieScope,
  ): void {
    const cost = entryCost(key, response, movieScope);
    if (cost > this.limits.maxEntryBytes) return;
    this.remove(key);
    this.entries.set(key, { response, cost, reads, movieScope });
    for (const resource of reads) this.keysByResource.get(resource)?.add(key);
    this.bytes += cost;
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.limits.maxBytes && this.entries.size <= this.limits.maxEntries) break;
      this.remove(oldest);
    }
  }

  /** Drops every answer read from this table. */
  dropDependentsOf(resource: CatalogResource): void {
    const keys = this.keysByResource.get(resource);
    if (keys === undefined) return;
    for (const key of [...keys]) this.remove(key);
  }

  /** Drops the movie answers this change of one movie may have changed (all without a scope). */
  dropTouchedBy(change: MovieChange): void {
    const keys = this.keysByResource.get('movies');
    if (keys === undefined) return;
    for (const key of [...keys]) {
      if (touchedBy(this.entries.get(key)?.movieScope, change)) this.remove(key);
    }
  }

  clear(): void {
    this.entries.clear();
    for (const keys of this.keysByResource.values()) keys.clear();
    this.bytes = 0;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    for (const resource of entry.reads) this.keysByResource.get(resource)?.delete(key);
    this.bytes -= entry.cost;
  }
}
