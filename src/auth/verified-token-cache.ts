import { createHash } from 'node:crypto';

interface Verified<P> {
  readonly payload: P;
  readonly validUntilMs: number;
}

/**
 * Payloads of tokens that verified, keyed by a SHA-256 digest of the token (so a key costs 44
 * bytes whatever was sent), least recently used first out. Failures are never kept.
 */
export class VerifiedTokenCache<P> {
  private readonly entries = new Map<string, Verified<P>>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxAgeMs: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(token: string): P | undefined {
    const key = digestOf(token);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (Date.now() > entry.validUntilMs) return undefined;
    this.entries.set(key, entry);
    return entry.payload;
  }

  /** Keeps a verified payload until expiresAtMs, and never longer than maxAgeMs from now. */
  set(token: string, payload: P, expiresAtMs: number): void {
    const validUntilMs = Math.min(expiresAtMs, Date.now() + this.maxAgeMs);
    const key = digestOf(token);
    this.entries.delete(key);
    this.entries.set(key, { payload, validUntilMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }
}

function digestOf(token: string): string {
  return createHash('sha256').update(token).digest('base64');
}
