import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { clientGroupOf } from '../shared/client-address.js';
import { ignoredAuthEvents, type AuthEvents } from '../shared/auth-events.js';
import * as repo from './attempt-counter-repository.js';

export interface LoginLimits {
  readonly maxFailuresPerAccount: number;
  readonly maxFailuresPerAddress: number;
  readonly windowMs: number;
  readonly blockMs: number;
}

/**
 * Password checks per account and per client address, counted in the database so that every
 * instance shares one count. A check is reserved before the password is hashed, so however the
 * attempts arrive, at most the limit of them are ever checked in a window.
 */
export interface LoginThrottle {
  /** Reserves one check; null when it may go ahead, otherwise the seconds to wait. */
  reserve(accountKey: string, address: string): Promise<number | null>;
  /** The reserved check failed: it stays counted, and a full count blocks. */
  recordFailure(accountKey: string, address: string): Promise<void>;
  /** The reserved check passed: the account's count is cleared, the address's check given back. */
  recordSuccess(accountKey: string, address: string): Promise<void>;
}

// Stored as digests: a mistyped password in the username field never lands in the database.
const digest = (text: string): string => createHash('sha256').update(text).digest('hex');
const accountDigest = (accountKey: string) => digest(`u:${accountKey}`);
const addressDigest = (address: string) => digest(`a:${clientGroupOf(address)}`);

export class DatabaseLoginThrottle implements LoginThrottle {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly limits: LoginLimits,
    private readonly now: () => number = Date.now,
  ) {}

  private get accountRule(): repo.CounterRule {
    return { max: this.limits.maxFailuresPerAccount, windowMs: this.limits.windowMs };
  }

  private get addressRule(): repo.CounterRule {
    return { max: this.limits.maxFailuresPerAddress, windowMs: this.limits.windowMs };
  }

  async reserve(accountKey: string, address: string): Promise<number | null> {
    const now = this.now();
    const addressKey = addressDigest(address);
    if (!(await repo.reserveAttempt(this.db, addressKey, this.addressRule, now))) {
      return this.waitFor(addressKey, now);
    }
    const account = accountDigest(accountKey);
    if (!(await repo.reserveAttempt(this.db, account, this.accountRule, now))) {
      await repo.releaseAttempt(this.db, addressKey);
      return this.waitFor(account, now);
    }
    return null;
  }

  async recordFailure(accountKey: string, address: string): Promise<void> {
    const now = this.now();
    const until = now + this.limits.blockMs;
    const { maxFailuresPerAccount, maxFailuresPerAddress } = this.limits;
    await repo.blockWhenFull(this.db, accountDigest(accountKey), maxFailuresPerAccount, until, now);
    await repo.blockWhenFull(this.db, addressDigest(address), maxFailuresPerAddress, until, now);
  }

  async recordSuccess(accountKey: string, address: string): Promise<void> {
    await repo.clearCounter(this.db, accountDigest(accountKey));
    await repo.releaseAttempt(this.db, addressDigest(address));
  }

  // Blocked: until the block ends. Full of checks still under way: a block is about to start.
  private async waitFor(key: string, now: number): Promise<number> {
    const counter = await repo.findCounter(this.db, key);
    const blockedFor = counter ? counter.blocked_until - now : 0;
    return (blockedFor > 0 ? blockedFor : this.limits.blockMs) / 1000;
  }
}

/** Anonymous registrations per client address, one budget for every route and instance. */
export class DatabaseRegistrationLimit {
  private readonly rule: repo.CounterRule;

  constructor(
    private readonly db: Kysely<Database>,
    perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly events: AuthEvents = ignoredAuthEvents,
  ) {
    this.rule = { max: perMinute, windowMs: 60_000 };
  }

  /** Counts one attempt; null when it may go ahead, otherwise the seconds to wait. */
  async reserve(address: string): Promise<number | null> {
    const now = this.now();
    const key = digest(`r:${clientGroupOf(address)}`);
    if (await repo.reserveAttempt(this.db, key, this.rule, now)) return null;
    this.events.blocked('registration');
    const counter = await repo.findCounter(this.db, key);
    const windowEnd = (counter?.window_start ?? now) + this.rule.windowMs;
    return Math.max(1, windowEnd - now) / 1000;
  }
}
