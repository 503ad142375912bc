import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import * as repo from './login-throttle-repository.js';

export interface LoginLimits {
  readonly maxFailuresPerUsername: number;
  readonly maxFailuresPerAddress: number;
  readonly windowMs: number;
  readonly blockMs: number;
}

/** Failed-login accounting, kept in the database so that every instance sees the same counts. */
export interface LoginThrottle {
  /** Seconds until the username or address may try again, or null when neither is blocked. */
  retryAfter(usernameKey: string, address: string): Promise<number | null>;
  recordFailure(usernameKey: string, address: string): Promise<void>;
  recordSuccess(usernameKey: string): Promise<void>;
}

// Stored as digests: a mistyped password in the username field never lands in the database.
const digest = (text: string): string => createHash('sha256').update(text).digest('hex');
const usernameKeyDigest = (usernameKey: string) => digest(`u:${usernameKey}`);
const addressDigest = (address: string) => digest(`a:${address}`);

export class DatabaseLoginThrottle implements LoginThrottle {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly limits: LoginLimits,
    private readonly now: () => number = Date.now,
  ) {}

  async retryAfter(usernameKey: string, address: string): Promise<number | null> {
    const now = this.now();
    const keys = [usernameKeyDigest(usernameKey), addressDigest(address)];
    const until = await repo.latestBlockEnd(this.db, keys, now);
    return until === null ? null : Math.ceil((until - now) / 1000);
  }

  async recordFailure(usernameKey: string, address: string): Promise<void> {
    const now = this.now();
    const counted: [string, number][] = [
      [usernameKeyDigest(usernameKey), this.limits.maxFailuresPerUsername],
      [addressDigest(address), this.limits.maxFailuresPerAddress],
    ];
    await this.db.transaction().execute(async (trx) => {
      for (const [key, max] of counted) {
        const failures = await repo.addFailure(trx, key, now, now - this.limits.windowMs);
        // A block starts the count again from zero once it is over.
        if (failures >= max) await repo.block(trx, key, now + this.limits.blockMs);
      }
    });
  }

  async recordSuccess(usernameKey: string): Promise<void> {
    await repo.clearFailures(this.db, usernameKeyDigest(usernameKey));
  }
}
