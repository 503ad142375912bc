export interface LoginLimits {
  readonly maxFailuresPerUsername: number;
  readonly maxFailuresPerAddress: number;
  readonly windowMs: number;
  readonly blockMs: number;
}

/** Failed-login accounting. Async so that a shared store (database, Redis) can stand behind it. */
export interface LoginThrottle {
  /** Seconds until the username or address may try again, or null when neither is blocked. */
  retryAfter(usernameKey: string, address: string): Promise<number | null>;
  recordFailure(usernameKey: string, address: string): Promise<void>;
  recordSuccess(usernameKey: string): Promise<void>;
}

interface Counter {
  failures: number[];
  blockedUntil: number;
}

const MAX_TRACKED_KEYS = 100_000;

/** One process's memory: limits are per instance, and reset when it restarts. */
export class MemoryLoginThrottle implements LoginThrottle {
  private readonly counters = new Map<string, Counter>();

  constructor(
    private readonly limits: LoginLimits,
    private readonly now: () => number = Date.now,
  ) {}

  async retryAfter(usernameKey: string, address: string): Promise<number | null> {
    const waits = [this.blockedFor(`u:${usernameKey}`), this.blockedFor(`a:${address}`)];
    const longest = Math.max(...waits);
    return longest > 0 ? Math.ceil(longest / 1000) : null;
  }

  async recordFailure(usernameKey: string, address: string): Promise<void> {
    this.fail(`u:${usernameKey}`, this.limits.maxFailuresPerUsername);
    this.fail(`a:${address}`, this.limits.maxFailuresPerAddress);
  }

  async recordSuccess(usernameKey: string): Promise<void> {
    this.counters.delete(`u:${usernameKey}`);
  }

  private blockedFor(key: string): number {
    const counter = this.counters.get(key);
    if (!counter || counter.blockedUntil === 0) return 0;
    const remaining = counter.blockedUntil - this.now();
    if (remaining > 0) return remaining;
    // The block is over: counting starts again from zero.
    this.counters.delete(key);
    return 0;
  }

  private fail(key: string, max: number): void {
    const now = this.now();
    const counter = this.counters.get(key) ?? { failures: [], blockedUntil: 0 };
    counter.failures = counter.failures.filter((at) => now - at < this.limits.windowMs);
    counter.failures.push(now);
    if (counter.failures.length >= max) {
      counter.failures = [];
      counter.blockedUntil = now + this.limits.blockMs;
    }
    this.counters.delete(key);
    this.counters.set(key, counter);
    if (this.counters.size > MAX_TRACKED_KEYS) this.evict(now);
  }

  // Forget what no longer matters; if a flood of keys remains, the least recently failed go first.
  private evict(now: number): void {
    for (const [key, counter] of this.counters) {
      const recent = counter.failures.some((at) => now - at < this.limits.windowMs);
      if (!recent && counter.blockedUntil <= now) this.counters.delete(key);
    }
    for (const key of this.counters.keys()) {
      if (this.counters.size <= MAX_TRACKED_KEYS * 0.9) break;
      this.counters.delete(key);
    }
  }
}
