import { availableParallelism } from 'node:os';
import { serviceUnavailable, tooManyRequests } from '../errors.js';
import { clientGroupOf } from '../shared/client-address.js';
import { ignoredAuthEvents, type AuthEvents } from '../shared/auth-events.js';

export interface HashGateLimits {
  /** Password checks or hashes one client may have waiting for their turn; more → 429. */
  readonly queuedPerClient: number;
  /** How long a check may wait for its turn before it is refused with 503 (ms). */
  readonly startWithinMs: number;
  /** Hashes running at once on this instance (one per core keeps the event loop free). */
  readonly running?: number;
  /** Waiting work on this instance, all clients together; more → 503. */
  readonly queued?: number;
}

const RETRY_AFTER_SECONDS = 1;

const clientQueueFull = () =>
  tooManyRequests(
    'Too many password checks are waiting from this client; retry shortly',
    RETRY_AFTER_SECONDS,
  );

const saturated = () =>
  serviceUnavailable(
    'Password checks are saturated on this instance; retry shortly',
    RETRY_AFTER_SECONDS,
  );

interface Waiter {
  readonly start: () => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Password hashing shared fairly: at most `running` hashes at once; the next turn goes to the
 * waiting client served least recently (a newcomer first), so clients take turns and one client's
 * flood delays another's check by a few hashes, not by the flood. A client with `queuedPerClient`
 * checks waiting gets 429; a check that cannot start within `startWithinMs`, or arrives when
 * `queued` wait already, gets 503. State exists only for clients with work under way: at most
 * `queued` waiting entries, one timer each.
 */
export class HashGate {
  private readonly queuedPerClient: number;
  private readonly startWithinMs: number;
  private readonly maxRunning: number;
  private readonly maxQueued: number;
  private running = 0;
  private queuedCount = 0;
  private starts = 0;
  private readonly waiting = new Map<string, Waiter[]>();
  /** Checks running or waiting per client. */
  private readonly pending = new Map<string, number>();
  /** When each client with pending work last started a check (a count of starts). */
  private readonly lastStart = new Map<string, number>();

  constructor(
    limits: HashGateLimits,
    private readonly events: AuthEvents = ignoredAuthEvents,
  ) {
    this.queuedPerClient = limits.queuedPerClient;
    this.startWithinMs = limits.startWithinMs;
    this.maxRunning = limits.running ?? Math.max(1, availableParallelism());
    this.maxQueued = limits.queued ?? 1000;
  }

  async run<T>(address: string, work: () => Promise<T>): Promise<T> {
    const client = clientGroupOf(address);
    await this.turnOf(client);
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.release(client);
      this.dispatch();
    }
  }

  /** Clients with work running or waiting (for tests). */
  get clients(): number {
    return this.pending.size;
  }

  private turnOf(client: string): Promise<void> {
    if (this.running < this.maxRunning && this.waiting.size === 0) {
      this.admit(client);
      this.begin(client);
      return Promise.resolve();
    }
    const queue = this.waiting.get(client);
    if ((queue?.length ?? 0) >= this.queuedPerClient) {
      this.events.blocked('hash_gate');
      return Promise.reject(clientQueueFull());
    }
    if (this.queuedCount >= this.maxQueued) {
      this.events.blocked('hash_saturated');
      return Promise.reject(saturated());
    }
    this.admit(client);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: resolve,
        timer: setTimeout(() => {
          this.leave(client, waiter);
          this.release(client);
          this.events.blocked('hash_saturated');
          reject(saturated());
        }, this.startWithinMs),
      };
      const own = queue ?? [];
      own.push(waiter);
      if (queue === undefined) this.waiting.set(client, own);
      this.queuedCount += 1;
    });
  }

  private admit(client: string): void {
    this.pending.set(client, (this.pending.get(client) ?? 0) + 1);
  }

  private release(client: string): void {
    const left = (this.pending.get(client) ?? 1) - 1;
    if (left > 0) {
      this.pending.set(client, left);
    } else {
      this.pending.delete(client);
      this.lastStart.delete(client);
    }
  }

  private begin(client: string): void {
    this.running += 1;
    this.starts += 1;
    this.lastStart.set(client, this.starts);
  }

  private leave(client: string, waiter: Waiter): void {
    const queue = this.waiting.get(client);
    const index = queue?.indexOf(waiter) ?? -1;
    if (queue === undefined || index < 0) return;
    queue.splice(index, 1);
    if (queue.length === 0) this.waiting.delete(client);
    this.queuedCount -= 1;
  }

  private dispatch(): void {
    while (this.running < this.maxRunning && this.waiting.size > 0) {
      let next: string | undefined;
      let nextStart = Infinity;
      for (const client of this.waiting.keys()) {
        const last = this.lastStart.get(client) ?? 0;
        if (last < nextStart) [next, nextStart] = [client, last];
      }
      const queue = this.waiting.get(next as string) as Waiter[];
      const waiter = queue.shift() as Waiter;
      if (queue.length === 0) this.waiting.delete(next as string);
      this.queuedCount -= 1;
      clearTimeout(waiter.timer);
      this.begin(next as string);
      waiter.start();
    }
  }
}
