import type { FastifyBaseLogger } from 'fastify';

export interface CachedResponse {
  readonly body: Buffer;
  readonly link: string | undefined;
}

export interface CatalogCacheOptions {
  /** Reads the database's catalog version, bumped by every catalog write of any instance. */
  readonly readVersion: () => Promise<number>;
  readonly log: FastifyBaseLogger;
  readonly pollMs?: number;
  readonly maxBytes?: number;
  readonly maxEntryBytes?: number;
}

/**
 * Serialized answers to catalog reads, by URL (8 MiB at most by default). This instance's writes clear it before they answer;
 * other instances' writes are seen by polling the catalog version (every 500 ms by default).
 * While the version cannot be read, nothing is cached or served from the cache.
 */
export class CatalogCache {
  private readonly entries = new Map<string, CachedResponse>();
  private bytes = 0;
  private generationCounter = 0;
  private knownVersion: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly pollMs: number;
  private readonly maxBytes: number;
  private readonly maxEntryBytes: number;

  constructor(private readonly options: CatalogCacheOptions) {
    this.pollMs = options.pollMs ?? 500;
    this.maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
    this.maxEntryBytes = options.maxEntryBytes ?? 1024 * 1024;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.invalidate();
  }

  /** Changes whenever the cache is cleared; an answer read under an older generation is not kept. */
  get generation(): number {
    return this.generationCounter;
  }

  get(url: string): CachedResponse | undefined {
    if (this.knownVersion === null) return undefined;
    const hit = this.entries.get(url);
    if (hit) {
      // Least recently used goes first when room is needed.
      this.entries.delete(url);
      this.entries.set(url, hit);
    }
    return hit;
  }

  store(url: string, generation: number, response: CachedResponse): void {
    if (generation !== this.generationCounter || this.knownVersion === null) return;
    if (response.body.length > this.maxEntryBytes) return;
    const previous = this.entries.get(url);
    if (previous) this.bytes -= previous.body.length;
    this.entries.set(url, response);
    this.bytes += response.body.length;
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= entry.body.length;
    }
  }

  invalidate(): void {
    this.generationCounter += 1;
    this.entries.clear();
    this.bytes = 0;
  }

  /** Reads the catalog version now (the timer calls this every pollMs). */
  async refresh(): Promise<void> {
    try {
      const version = await this.options.readVersion();
      if (version !== this.knownVersion) {
        this.invalidate();
        this.knownVersion = version;
      }
    } catch (error) {
      if (this.knownVersion !== null)
        this.options.log.warn({ err: error }, 'catalog cache off: version unknown');
      this.knownVersion = null;
      this.invalidate();
    }
  }
}
