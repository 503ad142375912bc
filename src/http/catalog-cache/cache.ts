import type { FastifyBaseLogger } from 'fastify';
import {
  CATALOG_RESOURCES,
  type CatalogResource,
  type CatalogVersions,
  type MovieChange,
  type MovieScope,
} from '../../shared/catalog-resources.js';
import { CatalogEntries, type CachedResponse } from './entries.js';

export { ENTRY_OVERHEAD_BYTES, entryCost, type CachedResponse } from './entries.js';

export interface CatalogCacheOptions {
  /** Reads the version of each catalog table, bumped by every write of any instance. */
  readonly readVersions: () => Promise<CatalogVersions>;
  readonly log: FastifyBaseLogger;
  /** How often versions are read while no change notifications arrive. */
  readonly pollMs?: number;
  /** How often they are read while notifications arrive: a safety net. */
  readonly listeningPollMs?: number;
  readonly maxBytes?: number;
  readonly maxEntryBytes?: number;
  readonly maxEntries?: number;
}

/**
 * Serialized answers to catalog reads, by canonical request, each tagged with the tables it was
 * read from (8 MiB and 10,000 entries at most by default, keys and overhead counted). Every write
 * bumps its table's version (database triggers); an answer goes when a version it was read from
 * moves. This instance's writes read the versions before they answer; other instances' writes
 * are seen by notification (versionCommitted) or by polling the versions (every 500 ms by
 * default, every 10 s while notifications arrive). While the versions cannot be read, nothing is
 * cached or served from the cache.
 */
export class CatalogCache {
  private readonly entries: CatalogEntries;
  private readonly generations = Object.fromEntries(
    CATALOG_RESOURCES.map((resource) => [resource, 0]),
  ) as Record<CatalogResource, number>;
  private knownVersions: Record<CatalogResource, number> | null = null;
  #listening = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private refreshesStarted = 0;
  private refreshApplied = 0;
  private hits = 0;
  private misses = 0;
  private readonly pollMs: number;
  private readonly listeningPollMs: number;

  constructor(private readonly options: CatalogCacheOptions) {
    this.pollMs = options.pollMs ?? 500;
    this.listeningPollMs = options.listeningPollMs ?? 10_000;
    const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
    this.entries = new CatalogEntries({
      maxBytes,
      maxEntryBytes: Math.min(options.maxEntryBytes ?? 1024 * 1024, maxBytes),
      maxEntries: options.maxEntries ?? 10_000,
    });
  }

  async start(): Promise<void> {
    await this.refresh();
    this.schedulePoll();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.invalidate();
  }

  /** Changes whenever any answer is dropped; an answer read under an older generation is not kept. */
  get generation(): number {
    return this.generationOf(CATALOG_RESOURCES);
  }

  /** Changes whenever answers read from one of these tables are dropped. */
  generationOf(reads: readonly CatalogResource[]): number {
    let sum = 0;
    for (const resource of reads) sum += this.generations[resource];
    return sum;
  }

  /** How many answers are kept and the bytes they are counted for. */
  get usage(): { readonly entries: number; readonly bytes: number } {
    return this.entries.usage;
  }

  /** Lookups answered from the cache and lookups that were not, since start. */
  get stats(): { readonly hits: number; readonly misses: number } {
    return { hits: this.hits, misses: this.misses };
  }

  get(key: string): CachedResponse | undefined {
    const hit = this.knownVersions === null ? undefined : this.entries.get(key);
    if (hit) this.hits += 1;
    else this.misses += 1;
    return hit;
  }

  store(
    key: string,
    generation: number,
    response: CachedResponse,
    reads: readonly CatalogResource[] = CATALOG_RESOURCES,
    movieScope?: MovieScope,
  ): void {
    if (this.knownVersions === null || generation !== this.generationOf(reads)) return;
    this.entries.set(key, response, reads, movieScope);
  }

  /**
   * This instance's change of one movie. When it made the very next version of the movies table,
   * nothing else changed since the known one: only the answers it may touch go. Otherwise (a
   * version in between, or one already seen) the versions decide.
   */
  movieWritten(change: MovieChange): void {
    const known = this.knownVersions;
    if (known === null || change.version !== known.movies + 1) return;
    known.movies = change.version;
    this.generations.movies += 1;
    this.entries.dropTouchedBy(change);
  }

  /** Drops the answers read from this table (every answer, without one); reads under way are not kept. */
  invalidate(resource?: CatalogResource): void {
    if (resource === undefined) {
      for (const each of CATALOG_RESOURCES) this.generations[each] += 1;
      this.entries.clear();
      return;
    }
    this.generations[resource] += 1;
    this.entries.dropDependentsOf(resource);
  }

  /** A write committed this version of a table; news of a version already seen changes nothing. */
  versionCommitted(resource: CatalogResource, version: number): void {
    const known = this.knownVersions;
    if (known === null || version <= known[resource]) return;
    known[resource] = version;
    this.invalidate(resource);
  }

  /** Whether change notifications arrive (PostgreSQL, while the listener is connected). */
  get listening(): boolean {
    return this.#listening;
  }

  /** Notifications began or stopped arriving; either way, writes none told of are read now. */
  setListening(listening: boolean): void {
    this.#listening = listening;
    void this.refresh().then(() => this.schedulePoll());
  }

  /**
   * Reads the versions now and drops the answers of every table whose version moved (a timer calls
   * this every pollMs, or listeningPollMs; a write of this instance, before it answers).
   */
  async refresh(): Promise<void> {
    const started = ++this.refreshesStarted;
    try {
      const versions = await this.options.readVersions();
      // A read that began before one already applied brings older news.
      if (started < this.refreshApplied) return;
      this.refreshApplied = started;
      this.dropWhereVersionsMoved(versions);
    } catch (error) {
      if (started < this.refreshApplied) return;
      this.refreshApplied = started;
      if (this.knownVersions !== null)
        this.options.log.warn({ err: error }, 'catalog cache off: versions unknown');
      this.knownVersions = null;
      this.invalidate();
    }
  }

  private dropWhereVersionsMoved(versions: CatalogVersions): void {
    const known = this.knownVersions;
    if (known === null) {
      this.invalidate();
      this.knownVersions = { ...versions };
      return;
    }
    for (const resource of CATALOG_RESOURCES) {
      // Lower than known as well: a restored database counts from lower.
      if (versions[resource] === known[resource]) continue;
      known[resource] = versions[resource];
      this.invalidate(resource);
    }
  }

  private schedulePoll(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    const notificationsArrive = this.#listening && this.knownVersions !== null;
    this.timer = setTimeout(
      () => void this.refresh().then(() => this.schedulePoll()),
      notificationsArrive ? this.listeningPollMs : this.pollMs,
    );
    this.timer.unref();
  }
}
