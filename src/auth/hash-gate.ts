import { availableParallelism } from 'node:os';
import { tooManyRequests } from '../errors.js';
import { clientGroupOf } from '../shared/client-address.js';
import { ignoredAuthEvents, type AuthEvents } from '../shared/auth-events.js';

export interface HashGateLimits {
  /** Password checks or hashes one client may have running or waiting at once. */
  readonly perClient: number;
  /** Hashes running at once on this instance (one per core keeps the event loop free). */
  readonly running?: number;
  /** Waiting work on this instance, all clients together. */
  readonly queued?: number;
}

const busy = () =>
  tooManyRequests('Too many password checks under way from this client; retry shortly', 1);

/**
 * Password hashing, shared fairly: at most `running` at once, the next turn going to the waiting
 * client that has had the fewest, so a client with much work waits behind one with little instead
 * of starving it; a client past `perClient` pending is refused with 429. It holds state only for
 * work under way, so it never grows beyond `queued` + `running` entries.
 */
export class HashGate {
  private readonly perClient: number;
  private readonly maxRunning: number;
  private readonly maxQueued: number;
  private running = 0;
  private queuedCount = 0;
  /** Waiting work per client; the Map's order is the rotation. */
  private readonly waiting = new Map<string, (() => void)[]>();
  private readonly pending = new Map<string, number>();
  /** Turns each client with pending work has had. */
  private readonly turns = new Map<string, number>();

  constructor(
    limits: HashGateLimits,
    private readonly events: AuthEvents = ignoredAuthEvents,
  ) {
    this.perClient = limits.perClient;
    this.maxRunning = limits.running ?? Math.max(1, availableParallelism());
    this.maxQueued = limits.queued ?? 1000;
  }

  async run<T>(address: string, work: () => Promise<T>): Promise<T> {
    const client = clientGroupOf(address);
    const pending = this.pending.get(client) ?? 0;
    if (pending >= this.perClient || this.queuedCount >= this.maxQueued) {
      this.events.blocked('hash_gate');
      throw busy();
    }
    this.pending.set(client, pending + 1);
    try {
      await this.turnOf(client);
      try {
        return await work();
      } finally {
        this.running -= 1;
        this.dispatch();
      }
    } finally {
      const left = (this.pending.get(client) ?? 1) - 1;
      if (left > 0) this.pending.set(client, left);
      else {
        this.pending.delete(client);
        this.turns.delete(client);
      }
    }
  }

  /** Clients with work running or waiting (for tests). */
  get clients(): number {
    return this.pending.size;
  }

  private turnOf(client: string): Promise<void> {
    if (this.running < this.maxRunning && this.waiting.size === 0) {
      this.started(client);
      return Promise.resolve();
    }
    return new Promise((start) => {
      const queue = this.waiting.get(client) ?? [];
      queue.push(start);
      this.waiting.set(client, queue);
      this.queuedCount += 1;
    });
  }

  private started(client: string): void {
    this.running += 1;
    this.turns.set(client, (this.turns.get(client) ?? 0) + 1);
  }

  // The waiting client that has had the fewest turns goes next (the earliest of equals).
  private dispatch(): void {
    while (this.running < this.maxRunning && this.waiting.size > 0) {
      let next: string | undefined;
      for (const client of this.waiting.keys()) {
        if (next === undefined || (this.turns.get(client) ?? 0) < (this.turns.get(next) ?? 0)) {
          next = client;
        }
      }
      if (next === undefined) return;
      const queue = this.waiting.get(next) ?? [];
      const start = queue.shift();
      if (queue.length === 0) this.waiting.delete(next);
      this.queuedCount -= 1;
      this.started(next);
      start?.();
    }
  }
}
